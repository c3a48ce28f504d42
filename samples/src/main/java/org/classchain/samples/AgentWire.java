package org.classchain.samples;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The local channel between the system service (the peer that holds the chain, the keys and the
 * network) and a session agent (the program in a student's graphical session that shows what the
 * service asks): a Unix domain socket, each frame a count of fields then each field as
 * {@link DataOutputStream#writeUTF modified UTF-8} (at most 64 KB: the longest field is a 2,000
 * character message). Each side learns who is at the other end from the kernel
 * ({@code SO_PEERCRED}), never from what the other end says.
 *
 * <p>Frames: the agent first sends {@code hello DISPLAY PID}; then the service sends
 * {@code ID OP ARGS...} and the agent answers {@code ID ok VALUE}, {@code ID unavailable REASON}
 * or {@code ID failed REASON}. Not thread-safe: one reader and one writer per side.
 */
final class AgentWire implements AutoCloseable {
    /** The most fields a frame may carry: a request's id, op and at most three arguments. */
    static final int MAX_FIELDS = 8;

    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;

    AgentWire(SocketChannel channel) {
        this.channel = channel;
        // not Channels.newInputStream/newOutputStream: on a blocking channel both take its blocking
        // lock, so a write waits for the reader blocked in read (the service's reader thread)
        this.in = new DataInputStream(new java.io.BufferedInputStream(new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        }));
        this.out = new DataOutputStream(new java.io.BufferedOutputStream(new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        }));
    }

    /** Connects to the service's socket. */
    static AgentWire connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new AgentWire(ch);
    }

    /** {@return the user at the other end of this socket, as the kernel says} */
    String peerUser() throws IOException {
        UnixDomainPrincipal p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return p.user().getName();
    }

    synchronized void send(String... fields) throws IOException {
        out.writeInt(fields.length);
        for (String f : fields) {
            out.writeUTF(f);
        }
        out.flush();
    }

    /** The next frame; EOFException when the other side is gone. */
    String[] receive() throws IOException {
        int n = in.readInt();
        if (n < 1 || n > MAX_FIELDS) {
            throw new IOException("a frame of " + n + " fields: not a ClassChain agent channel");
        }
        String[] fields = new String[n];
        for (int i = 0; i < n; i++) {
            fields[i] = in.readUTF();
        }
        return fields;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket that is gone anyway
        }
    }

    /**
     * Whether {@code user} has a session that logind counts (its record under
     * {@code /run/systemd/users} says {@code NAME=user} and an active or online state).
     * False where there is no logind.
     */
    static boolean loggedIn(String user) {
        Path users = Path.of("/run/systemd/users");
        if (!Files.isDirectory(users)) {
            return false;
        }
        try (Stream<Path> records = Files.list(users)) {
            for (Path r : (Iterable<Path>) records::iterator) {
                List<String> lines;
                try {
                    lines = Files.readAllLines(r);
                } catch (IOException | UncheckedIOException e) {
                    continue; // a session ending while this reads
                }
                if (lines.contains("NAME=" + user) && lines.stream().anyMatch(l -> Set.of("STATE=active", "STATE=online")
                        .contains(l))) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

}
