package org.classchain.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body without blocking and without ever holding more than {@code limit} bytes:
 * the read stops, and the future fails with a 413 {@link HttpProblem}, as soon as the body
 * grows past the limit, whatever the request declared.
 *
 * <p>Runs on Jetty's threads through {@link Request#demand}; one instance reads one body.
 */
final class BodyReader implements Runnable {

    private final Request request;
    private final int limit;
    private final boolean keep;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private byte[] buffer;
    private int size;

    private BodyReader(Request request, int limit, boolean keep) {
        this.request = request;
        this.limit = limit;
        this.keep = keep;
        long declared = request.getLength();
        this.buffer = new byte[keep ? (int) Math.min(limit, declared >= 0 ? declared : 8192) : 0];
    }

    /** Whether {@code request} comes with a body (a positive {@code Content-Length}, or chunked). */
    static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /** Reads the whole body of {@code request}, failing with 413 past {@code limit} bytes. */
    static CompletableFuture<byte[]> read(Request request, int limit) {
        BodyReader reader = new BodyReader(request, limit, true);
        reader.run();
        return reader.result;
    }

    /**
     * Reads and drops the body, so that an early answer leaves the connection usable; fails
     * with 413 past {@code limit} bytes. Completes with an empty array.
     */
    static CompletableFuture<byte[]> discard(Request request, int limit) {
        BodyReader reader = new BodyReader(request, limit, false);
        reader.run();
        return reader.result;
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                result.completeExceptionally(failure instanceof TimeoutException
                        ? new HttpProblem(408, "the request body did not arrive in time")
                        : new HttpProblem(400, "the request body could not be read"));
                return;
            }
            ByteBuffer bytes = chunk.getByteBuffer();
            int n = bytes.remaining();
            boolean last = chunk.isLast();
            if ((long) size + n > limit) {
                chunk.release();
                result.completeExceptionally(new HttpProblem(413, "the request body exceeds " + limit + " bytes"));
                return;
            }
            if (keep) {
                if (size + n > buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max((long) buffer.length * 2, size + n)));
                }
                bytes.get(buffer, size, n);
            }
            size += n;
            chunk.release();
            if (last) {
                result.complete(!keep || size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
                return;
            }
        }
    }
}
