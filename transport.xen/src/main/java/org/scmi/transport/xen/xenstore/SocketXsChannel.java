package org.scmi.transport.xen.xenstore;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** A XenStore connection over a Unix stream socket (xenstored's, or the simulated store's). */
public final class SocketXsChannel implements XsChannel {
    private final SocketChannel socket;

    public SocketXsChannel(SocketChannel socket) {
        this.socket = socket;
    }

    public static SocketXsChannel connect(Path path) throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            socket.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to XenStore at " + path + ": " + e.getMessage(), e);
        }
        return new SocketXsChannel(socket);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return socket.read(ByteBuffer.wrap(buffer, offset, length));
    }

    @Override
    public synchronized void write(byte[] message) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(message);
        while (buffer.hasRemaining()) {
            socket.write(buffer);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket that failed already: nothing left to release
        }
    }
}
