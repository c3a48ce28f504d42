package org.classchain.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;

/** A handler whose answer a test sets, and which remembers the last request and its sender. */
final class StubHandler implements MessageHandler {

    final AtomicReference<Message> lastRequest = new AtomicReference<>();
    final AtomicReference<String> lastFrom = new AtomicReference<>();
    final AtomicInteger calls = new AtomicInteger();
    private volatile Function<Message, CompletableFuture<Message>> answer =
            m -> CompletableFuture.completedFuture(new Message.Ack("ok"));

    /** Answers every request with {@code reply}. */
    void replyWith(Message reply) {
        answer = m -> CompletableFuture.completedFuture(reply);
    }

    /** Answers with whatever {@code f} computes (it may throw, or return a failed future). */
    void answerWith(Function<Message, CompletableFuture<Message>> f) {
        answer = f;
    }

    @Override
    public CompletableFuture<Message> handle(String from, Message request) {
        calls.incrementAndGet();
        lastFrom.set(from);
        lastRequest.set(request);
        return answer.apply(request);
    }
}
