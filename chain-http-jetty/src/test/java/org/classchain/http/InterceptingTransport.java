package org.classchain.http;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.classchain.Hash;
import org.classchain.core.testing.ForwardingTransport;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;

/** A peer's transport whose answers a test decides: a classmate's peer that lies in what it answers. */
final class InterceptingTransport extends ForwardingTransport {

    /** What the peer answers, given the request and its own honest handler. */
    @FunctionalInterface
    interface Answer {
        CompletableFuture<Message> answer(String from, Message request, MessageHandler honest);
    }

    private final Answer answer;

    InterceptingTransport(Transport inner, Answer answer) {
        super(inner);
        this.answer = answer;
    }

    @Override
    public void start(MessageHandler handler) throws IOException {
        inner.start(new MessageHandler() {
            @Override
            public CompletableFuture<Message> handle(String from, Message request) {
                return answer.answer(from, request, handler);
            }

            @Override
            public boolean knowsBlock(Hash hash) {
                return handler.knowsBlock(hash);
            }
        });
    }
}
