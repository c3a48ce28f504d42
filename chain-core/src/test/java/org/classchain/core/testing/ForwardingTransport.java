package org.classchain.core.testing;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;

/** A transport that passes everything to another; subclasses change what they need. */
public class ForwardingTransport implements Transport {
    protected final Transport inner;

    public ForwardingTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public void start(MessageHandler handler) throws IOException {
        inner.start(handler);
    }

    @Override
    public String localAddress() {
        return inner.localAddress();
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request) {
        return inner.send(address, request);
    }

    @Override
    public void close() {
        inner.close();
    }
}
