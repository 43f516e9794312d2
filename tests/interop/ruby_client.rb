# Ruby's xmlrpc client against our server: every type Ruby can send, echoed
# back with the same Ruby class and value; i8 results, faults, multicall,
# introspection and validator1. Usage: ruby ruby_client.rb URL.
# Prints "ok" last; raises at the first mismatch.
require "xmlrpc/client"

# nil is an extension Ruby only speaks when asked to.
XMLRPC::Config.module_eval do
  %i[ENABLE_NIL_CREATE ENABLE_NIL_PARSER].each do |name|
    remove_const(name)
    const_set(name, true)
  end
end

def check(ok, what)
  raise "mismatch: #{what}" unless ok
end

# What Ruby reads back for a value it sent: base64 arrives as a binary String.
def expected(v)
  case v
  when XMLRPC::Base64 then v.decoded.dup.force_encoding(Encoding::BINARY)
  when Array then v.map { |x| expected(x) }
  when Hash then v.to_h { |k, x| [k, expected(x)] }
  else v
  end
end

def same(want, got, path)
  check(want.class == got.class, "#{path}: class #{want.class} vs #{got.class} (#{got.inspect})")
  case want
  when Array
    check(want.size == got.size, "#{path}: size")
    want.each_with_index { |w, i| same(w, got[i], "#{path}[#{i}]") }
  when Hash
    check(want.keys.sort == got.keys.sort, "#{path}: keys #{got.keys}")
    want.each { |k, w| same(w, got[k], "#{path}.#{k}") }
  when XMLRPC::DateTime
    check(want.to_a == got.to_a, "#{path}: #{want.to_a} vs #{got.to_a}")
  when String
    check(want.encoding == got.encoding && want.bytes == got.bytes,
          "#{path}: #{want.inspect} (#{want.encoding}) vs #{got.inspect} (#{got.encoding})")
  else
    check(want == got, "#{path}: #{want.inspect} vs #{got.inspect}")
  end
end

client = XMLRPC::Client.new2(ARGV.fetch(0))
values = [
  0, 2**31 - 1, -2**31, true, false, 0.0, -1.5, 1e-07, 123456789.125, -2.5e300, 5e-324,
  "", "plain", "<tag> & ]]> 'q' \"dq\" \u00e9\u4e2d\u{1f600}\ttab\nline", "  keep  spaces  ",
  nil, XMLRPC::DateTime.new(2026, 1, 2, 3, 4, 5),
  XMLRPC::Base64.new(""), XMLRPC::Base64.new((0..255).to_a.pack("C*")),
  [], [1, "two", nil, 2.5, [true]], {},
  { "a" => { "b" => [1, 2.5] }, "c" => "d", "n" => nil, "t" => XMLRPC::DateTime.new(1998, 7, 17, 14, 8, 55) },
]
values.each_with_index do |v, i|
  same(expected(v), client.call("echo", v), "echo ##{i}")
end
same(expected(values), client.call("echo", values), "echo all")

big = "a<&\u00e9\u4e2d\n" * 5_000 # 50 KB: REXML is slow on more
same(big, client.call("echo", big), "echo big")

same(3628800, client.call("factorial", 10), "factorial(10)")
same(2432902008176640000, client.call("factorial", 20), "factorial(20) (an i8)")
begin
  client.call("factorial", -1)
  raise "factorial(-1): no fault"
rescue XMLRPC::FaultException => e
  check(e.faultCode == -32602 && e.faultString.is_a?(String), "fault #{e.faultCode}")
end
begin
  client.call("suite.fault", 42, "custom <msg>")
  raise "suite.fault: no fault"
rescue XMLRPC::FaultException => e
  check(e.faultCode == 42 && e.faultString == "custom <msg>", "suite.fault #{e.faultCode} #{e.faultString}")
end

# system.multicall: Ruby unwraps results, faults become FaultException values.
res = client.multicall(["echo", "one"], ["no.such"], ["factorial", 5], ["echo", [nil]])
check(res.size == 4, "multicall size #{res.size}")
same("one", res[0], "multicall[0]")
check(res[1].is_a?(XMLRPC::FaultException) && res[1].faultCode == -32601, "multicall[1] #{res[1].inspect}")
same(120, res[2], "multicall[2]")
same([nil], res[3], "multicall[3]")

names = client.call("system.listMethods")
check(names.include?("echo") && names.include?("system.multicall"), "listMethods #{names}")
check(client.call("system.methodHelp", "factorial").include?("factorial"), "methodHelp")
same([["int", "int"], ["i8", "int"]], client.call("system.methodSignature", "factorial"), "methodSignature")
same(6, client.call("validator1.easyStructTest", { "moe" => 1, "larry" => 2, "curly" => 3 }), "easyStructTest")
many = client.call("validator1.manyTypesTest", 1, true, "s", 2.5,
                   XMLRPC::DateTime.new(2000, 1, 1, 0, 0, 0), XMLRPC::Base64.new("xyz"))
same([1, true, "s", 2.5, XMLRPC::DateTime.new(2000, 1, 1, 0, 0, 0), "xyz".b], many, "manyTypesTest")
puts "ok"
