# Ruby's XMLRPC::Server (WEBrick) on 127.0.0.1, any free port (printed on
# the first line), for our clients to call:
#   echo(x)        returns x as Ruby read it (a binary String, which is how
#                  Ruby reads base64, goes back as base64)
#   types(x...)    the Ruby classes Ruby read, nested like the values
#   sample()       a struct of every type, built explicitly in Ruby
#   fail(code,msg) a fault with that code and string
#   factorial(n)   n!
# plus system.multicall and the introspection methods.
require "xmlrpc/server"

XMLRPC::Config.module_eval do
  %i[ENABLE_NIL_CREATE ENABLE_NIL_PARSER].each do |name|
    remove_const(name)
    const_set(name, true)
  end
end

def rewrap(v)
  case v
  when String then v.encoding == Encoding::BINARY ? XMLRPC::Base64.new(v) : v
  when Array then v.map { |x| rewrap(x) }
  when Hash then v.to_h { |k, x| [k, rewrap(x)] }
  else v
  end
end

def type_tree(v)
  case v
  when Array then v.map { |x| type_tree(x) }
  when Hash then v.to_h { |k, x| [k, type_tree(x)] }
  when String then v.encoding == Encoding::BINARY ? "binary" : "String"
  else v.class.name
  end
end

server = XMLRPC::Server.new(0, "127.0.0.1", 4, File::NULL, false, false)
server.add_handler("echo", ["struct", "struct"], "Returns its argument.") { |x| rewrap(x) }
server.add_handler("types") { |*args| args.map { |x| type_tree(x) } }
server.add_handler("sample") do
  {
    "int" => -7, "max" => 2**31 - 1, "yes" => true, "no" => false, "double" => -0.125,
    "string" => "<&> \u00e9\u{1f600}", "date" => XMLRPC::DateTime.new(1998, 7, 17, 14, 8, 55),
    "bytes" => XMLRPC::Base64.new("\x00\x01\xfe\xff".b), "nil" => nil,
    "list" => [1, "x"], "empty" => {},
  }
end
server.add_handler("fail") { |code, msg| raise XMLRPC::FaultException.new(code, msg) }
server.add_handler("factorial") { |n| (2..n).reduce(1, :*) }
server.add_multicall
server.add_introspection

webrick = server.instance_variable_get(:@server)
webrick.config[:AccessLog].clear # no request lines on the test's stderr
$stdout.puts webrick.listeners.first.addr[1]
$stdout.flush
server.serve
