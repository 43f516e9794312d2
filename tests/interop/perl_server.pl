#!/usr/bin/perl
# An RPC::XML::Server on 127.0.0.1 (any free port, printed on the first line)
# for our clients to call:
#   echo(x)        returns the parsed data object itself, so every type and
#                  nested type comes back exactly as RPC::XML read it
#   types(x...)    the type names RPC::XML saw, nested like the value
#   sample()       a struct of every type, built explicitly in Perl
#   fail(code,msg) a fault with that code and string
#   factorial(n)   n!, as an int (signature int -> int)
# plus RPC::XML's own system.* methods (multicall, introspection).
use strict;
use warnings;
use RPC::XML;
use RPC::XML::Server;

$RPC::XML::ALLOW_NIL = 1;
# Its default declares us-ascii yet writes UTF-8 bytes; say what it writes,
# unless asked to behave as shipped.
$RPC::XML::ENCODING = 'utf-8' unless grep { $_ eq '--default-encoding' } @ARGV;

# A procedure handed the data objects themselves, not their Perl values.
package RawProcedure;
our @ISA = ('RPC::XML::Function');
sub call {
    my ($self, $srv, @in) = @_;
    my $out = eval { $self->{code}->(@in) };
    return $@ if ref $@;
    return $out;
}

package main;

# RPC::XML::Function's constructor (it alone needs no signature), reblessed.
sub raw_procedure { bless RPC::XML::Function->new($_[0]), 'RawProcedure' }

sub type_tree {
    my ($v) = @_;
    my $t = ref $v;
    $t =~ s/^RPC::XML:://;
    if ($t eq 'array') {
        return RPC::XML::array->new(map { type_tree($_) } @{ $v->value(1) });
    }
    if ($t eq 'struct') {
        my $h = $v->value(1);
        return RPC::XML::struct->new(map { ($_ => type_tree($h->{$_})) } keys %$h);
    }
    return RPC::XML::string->new($t);
}

my $srv = RPC::XML::Server->new(host => '127.0.0.1', no_default => 0);
die "cannot start RPC::XML::Server: $srv\n" unless ref $srv;

$srv->add_method(raw_procedure({
    name => 'echo', help => 'Returns its argument.',
    code => sub { die RPC::XML::fault->new(-32602, 'expected one param') unless @_ == 1; $_[0] },
}));
$srv->add_method(raw_procedure({
    name => 'types',
    code => sub { RPC::XML::array->new(map { type_tree($_) } @_) },
}));
$srv->add_method(RPC::XML::Function->new({
    name => 'sample',
    code => sub {
        RPC::XML::struct->new(
            int    => RPC::XML::int->new(-7),
            i4     => RPC::XML::i4->new(2147483647),
            i8     => RPC::XML::i8->new('-9223372036854775808'),
            yes    => RPC::XML::boolean->new(1),
            no     => RPC::XML::boolean->new(0),
            double => RPC::XML::double->new(-0.125),
            string => RPC::XML::string->new("<&> \x{e9}\x{1f600}"),
            date   => RPC::XML::datetime_iso8601->new('19980717T14:08:55'),
            bytes  => RPC::XML::base64->new("\0\x01\xfe\xff"),
            nil    => RPC::XML::nil->new(),
            list   => RPC::XML::array->new(RPC::XML::int->new(1), RPC::XML::string->new('x')),
            empty  => RPC::XML::struct->new(),
        );
    },
}));
$srv->add_method(RPC::XML::Function->new({
    name => 'fail',
    code => sub { die RPC::XML::fault->new($_[0], $_[1]) },
}));
$srv->add_method({
    name => 'factorial', signature => ['int int'], type => 'procedure',
    code => sub { my $r = 1; $r *= $_ for 2 .. $_[0]; $r },
});

$| = 1;
print $srv->port, "\n";
$srv->server_loop;
