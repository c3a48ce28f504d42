package org.classchain.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on 127.0.0.1 that forwards to a peer's port and keeps every byte that passes,
 * both ways: what a LAN eavesdropper between the peers would record.
 */
final class RecordingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final ByteArrayOutputStream recorded;
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;
    private volatile int targetPort;

    RecordingProxy(ByteArrayOutputStream sharedRecording) throws IOException {
        this.recorded = sharedRecording;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "test-proxy-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void forwardTo(int port) {
        this.targetPort = port;
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                synchronized (sockets) {
                    sockets.add(in);
                    sockets.add(out);
                }
                pipe(in.getInputStream(), out.getOutputStream(), out);
                pipe(out.getInputStream(), in.getOutputStream(), in);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(InputStream from, OutputStream to, Socket closeWhenDone) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = from.read(buf)) > 0; ) {
                    synchronized (recorded) {
                        recorded.write(buf, 0, n);
                    }
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // connection ended
            } finally {
                try {
                    closeWhenDone.shutdownOutput();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "test-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
