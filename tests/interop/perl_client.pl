#!/usr/bin/perl
# RPC::XML's client against our server: every type it can send, echoed back
# with the same type and value; faults, system.multicall and introspection.
# Usage: perl_client.pl URL. Prints "ok" last; dies with the first mismatch.
use strict;
use warnings;
use RPC::XML qw(smart_encode);
use RPC::XML::Client;

$RPC::XML::ALLOW_NIL = 1;
# Its default declares us-ascii yet writes UTF-8 bytes; say what it writes.
$RPC::XML::ENCODING = 'utf-8';
my $url = shift or die "usage: $0 URL\n";
my $cli = RPC::XML::Client->new($url);

# The wire type of an RPC::XML data object (i4 and int are one type).
sub type_of {
    my ($v) = @_;
    my $t = ref $v;
    $t =~ s/^RPC::XML:://;
    return $t eq 'i4' ? 'int' : $t;
}

# Deep comparison of two RPC::XML data objects, types included.
sub same {
    my ($a, $b, $path) = @_;
    my ($ta, $tb) = (type_of($a), type_of($b));
    die "$path: sent $ta, got $tb\n" unless $ta eq $tb;
    if ($ta eq 'array') {
        my ($la, $lb) = ($a->value(1), $b->value(1));
        die "$path: length ${\ scalar @$la} vs ${\ scalar @$lb}\n" unless @$la == @$lb;
        same($la->[$_], $lb->[$_], "$path\[$_]") for 0 .. $#$la;
    } elsif ($ta eq 'struct') {
        my ($ha, $hb) = ($a->value(1), $b->value(1));
        my $ka = join ',', sort keys %$ha;
        my $kb = join ',', sort keys %$hb;
        die "$path: keys {$ka} vs {$kb}\n" unless $ka eq $kb;
        same($ha->{$_}, $hb->{$_}, "$path.$_") for keys %$ha;
    } elsif ($ta eq 'nil') {
        # no value to compare
    } elsif ($ta eq 'double') {
        die "$path: double ${\ $a->value} vs ${\ $b->value}\n" unless $a->value == $b->value;
    } else {
        my ($va, $vb) = ($a->value, $b->value);
        die "$path: $ta '$va' vs '$vb'\n" unless $va eq $vb;
    }
}

sub call {
    my ($method, @args) = @_;
    my $r = $cli->send_request($method, @args);
    die "$method: transport error: $r\n" unless ref $r;
    return $r;
}

sub echo_ok {
    my ($value, $label) = @_;
    my $r = call('echo', $value);
    die "echo $label: fault ${\ $r->string}\n" if $r->is_fault;
    same($value, $r, "echo $label");
}

my @values = (
    RPC::XML::int->new(0),
    RPC::XML::i4->new(2147483647),
    RPC::XML::int->new(-2147483648),
    RPC::XML::i8->new('9223372036854775807'),
    RPC::XML::i8->new('-4294967296'),
    RPC::XML::boolean->new(1),
    RPC::XML::boolean->new(0),
    RPC::XML::double->new(0.0),
    RPC::XML::double->new(-1.5),
    RPC::XML::double->new(123456789.125),
    RPC::XML::double->new(1e-7),
    RPC::XML::double->new(-2.5e300),
    # (It writes doubles with '%.20f': 5e-324 would leave as 0.0.)
    RPC::XML::double->new(1.5e-15),
    RPC::XML::string->new(''),
    RPC::XML::string->new('plain'),
    RPC::XML::string->new("<tag> & ]]> 'q' \"dq\"\ttab\nline"),
    RPC::XML::string->new("\x{e9}\x{4e2d}\x{1f600}"),
    RPC::XML::string->new('  keep  spaces  '),
    RPC::XML::datetime_iso8601->new('20260102T03:04:05'),
    RPC::XML::base64->new(''),
    RPC::XML::base64->new(join '', map { chr } 0 .. 255),
    RPC::XML::nil->new(),
    RPC::XML::array->new(),
    RPC::XML::array->new(RPC::XML::int->new(1), RPC::XML::string->new('two'),
                         RPC::XML::nil->new(), RPC::XML::double->new(2.5)),
    RPC::XML::struct->new(),
    RPC::XML::struct->new(
        name  => RPC::XML::string->new('a <b> & c'),
        inner => RPC::XML::struct->new(
            n    => RPC::XML::int->new(1),
            list => RPC::XML::array->new(RPC::XML::boolean->new(0),
                                         RPC::XML::datetime_iso8601->new('19980717T14:08:55')),
        ),
        empty => RPC::XML::struct->new(),
    ),
);
for my $i (0 .. $#values) {
    echo_ok($values[$i], "#$i");
}
echo_ok(RPC::XML::array->new(@values), 'all');

my $big = RPC::XML::string->new("a<&\x{e9}\x{4e2d}\n" x 25_000);
echo_ok($big, 'big');

# factorial: int result, i8 past 32 bits, and a fault with the spec's code.
my $f = call('factorial', RPC::XML::int->new(10));
die "factorial(10): ${\ type_of($f)} ${\ $f->value}\n"
    unless type_of($f) eq 'int' && $f->value == 3628800;
$f = call('factorial', RPC::XML::int->new(20));
die "factorial(20): ${\ type_of($f)} ${\ $f->value}\n"
    unless type_of($f) eq 'i8' && $f->value eq '2432902008176640000';
$f = call('factorial', RPC::XML::int->new(-1));
die "factorial(-1) gave no fault\n" unless $f->is_fault;
die "factorial(-1) code ${\ $f->code}\n" unless $f->code == -32602;
die "factorial(-1) string\n" unless $f->string =~ /n/;
$f = call('no.such.method');
die "unknown method: not -32601\n" unless $f->is_fault && $f->code == -32601;
$f = call('suite.fault', RPC::XML::int->new(42), RPC::XML::string->new('custom <msg>'));
die "suite.fault: ${\ ($f->is_fault ? $f->code . ' ' . $f->string : 'no fault')}\n"
    unless $f->is_fault && $f->code == 42 && $f->string eq 'custom <msg>';

# system.multicall: results wrapped in one-element arrays, faults as structs.
my $mc = call('system.multicall', RPC::XML::array->new(
    RPC::XML::struct->new(methodName => 'echo',
                          params => RPC::XML::array->new(RPC::XML::string->new('one'))),
    RPC::XML::struct->new(methodName => 'no.such', params => RPC::XML::array->new()),
    RPC::XML::struct->new(methodName => 'factorial',
                          params => RPC::XML::array->new(RPC::XML::int->new(5))),
));
die "multicall: fault ${\ $mc->string}\n" if $mc->is_fault;
my $res = $mc->value(1);
die "multicall: ${\ scalar @$res} results\n" unless @$res == 3;
same(RPC::XML::array->new(RPC::XML::string->new('one')), $res->[0], 'multicall[0]');
my $fs = $res->[1]->value;
die "multicall[1]: not a fault struct\n"
    unless ref $fs eq 'HASH' && $fs->{faultCode} == -32601 && length $fs->{faultString};
same(RPC::XML::array->new(RPC::XML::int->new(120)), $res->[2], 'multicall[2]');

# Introspection and validator1.
my $names = call('system.listMethods')->value;
die "listMethods: @$names\n" unless grep({ $_ eq 'echo' } @$names) && grep({ $_ eq 'system.multicall' } @$names);
my $help = call('system.methodHelp', 'factorial');
die "methodHelp: ${\ type_of($help)}\n" unless type_of($help) eq 'string' && $help->value =~ /factorial/;
my $sig = call('system.methodSignature', 'factorial')->value;
die "methodSignature\n" unless ref $sig eq 'ARRAY' && $sig->[0][0] eq 'int' && $sig->[0][1] eq 'int';
my $sum = call('validator1.easyStructTest', RPC::XML::struct->new(moe => 1, larry => 2, curly => 3));
die "easyStructTest\n" unless type_of($sum) eq 'int' && $sum->value == 6;
my $many = call('validator1.manyTypesTest', RPC::XML::int->new(1), RPC::XML::boolean->new(1),
                RPC::XML::string->new('s'), RPC::XML::double->new(2.5),
                RPC::XML::datetime_iso8601->new('20000101T00:00:00'), RPC::XML::base64->new('xyz'));
die "manyTypesTest: ${\ ($many->is_fault ? $many->string : '')}\n" if $many->is_fault;
my @want = qw(int boolean string double datetime_iso8601 base64);
my @got = map { type_of($_) } @{ $many->value(1) };
die "manyTypesTest types: @got\n" unless "@got" eq "@want";
print "ok\n";
