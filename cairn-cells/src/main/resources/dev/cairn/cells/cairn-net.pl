# cairn-net: the in-cell connector for granted network endpoints (see docs/cells.md).
# Arguments: PRCTL_SYSCALL COUNT (ADDRESS PORT SOCKET){COUNT} COMMAND [ARGUMENT...]
# Binds every ADDRESS:PORT before the command starts, drops ambient capabilities, runs the command,
# relays each accepted connection to its SOCKET (served by Cairn on the host, which connects to the
# granted endpoint and nowhere else), and exits with the command's status (128 + signal if killed).
use strict;
use warnings;
use IO::Socket::INET;
use IO::Socket::UNIX;
use POSIX ();
use Socket qw(SOCK_STREAM SHUT_WR);

$0 = 'cairn-net';
my $prctl = shift @ARGV;
my $count = shift @ARGV;
my (@listeners, %socket_of);
for (1 .. $count) {
    my ($address, $port, $path) = splice(@ARGV, 0, 3);
    my $listener = IO::Socket::INET->new(
        LocalAddr => $address, LocalPort => $port, Proto => 'tcp', Listen => 128, ReuseAddr => 1);
    if (!$listener) {
        print STDERR "cairn-net: cannot listen on $address:$port: $!\n";
        POSIX::_exit(125);
    }
    push @listeners, $listener;
    $socket_of{fileno $listener} = $path;
}
# prctl(PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_CLEAR_ALL = 4): nothing started from here keeps
# CAP_NET_BIND_SERVICE, which bwrap granted only so that ports below 1024 could be bound above.
if ($prctl > 0 && syscall($prctl, 47, 4, 0, 0, 0) != 0) {
    print STDERR "cairn-net: cannot drop ambient capabilities: $!\n";
    POSIX::_exit(125);
}

pipe(my $wake_r, my $wake_w) or POSIX::_exit(125);
$SIG{CHLD} = sub { syswrite($wake_w, 'x') };
my $command = fork();
if (!defined $command) {
    print STDERR "cairn-net: cannot fork: $!\n";
    POSIX::_exit(125);
}
if ($command == 0) {
    $SIG{CHLD} = 'DEFAULT';
    close $_ for @listeners;
    close $wake_r;
    close $wake_w;
    exec { $ARGV[0] } @ARGV or do {
        print STDERR "cairn-net: cannot run $ARGV[0]: $!\n";
        POSIX::_exit(127);
    };
}
while (1) {
    my $rin = '';
    vec($rin, fileno $_, 1) = 1 for @listeners;
    vec($rin, fileno $wake_r, 1) = 1;
    my $ready = select(my $rout = $rin, undef, undef, undef);
    next if $ready <= 0;
    if (vec($rout, fileno $wake_r, 1)) {
        sysread($wake_r, my $ignored, 64);
        while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
            next if $pid != $command;
            my $status = $?;
            POSIX::_exit(($status & 127) ? 128 + ($status & 127) : ($status >> 8));
        }
    }
    for my $listener (@listeners) {
        next unless vec($rout, fileno $listener, 1);
        my $client = $listener->accept or next;
        my $path = $socket_of{fileno $listener};
        my $pid = fork();
        if (defined $pid && $pid == 0) {
            $SIG{CHLD} = 'DEFAULT';
            close $_ for @listeners;
            close $wake_r;
            close $wake_w;
            relay($client, $path);
            POSIX::_exit(0);
        }
        close $client;
    }
}

sub relay {
    my ($client, $path) = @_;
    my $upstream = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path) or return;
    my $pid = fork();
    return unless defined $pid;
    if ($pid == 0) {
        copy($client, $upstream);
        POSIX::_exit(0);
    }
    copy($upstream, $client);
    waitpid($pid, 0);
}

sub copy {
    my ($from, $to) = @_;
    my $buf;
    while (1) {
        my $n = sysread($from, $buf, 65536);
        last if !defined $n || $n == 0;
        my $off = 0;
        while ($off < $n) {
            my $w = syswrite($to, $buf, $n - $off, $off);
            return if !defined $w;
            $off += $w;
        }
    }
    shutdown($to, SHUT_WR);
}
