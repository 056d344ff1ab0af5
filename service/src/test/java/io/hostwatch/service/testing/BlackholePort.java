package io.hostwatch.service.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP port on 127.0.0.1 that does not answer: a listener whose accept queue is full, so the
 * kernel drops further SYNs and a connection attempt neither succeeds nor is refused. To the ping
 * probe it is a host that is gone, without leaving the loopback interface.
 */
public final class BlackholePort implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    public BlackholePort() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        server = new ServerSocket(0, 1, lo);
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(lo, server.getLocalPort()), 300);
                fillers.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled up; cannot make a silent port here");
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
