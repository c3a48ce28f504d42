package org.classchain.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.classchain.core.files.ChunkSource;
import org.classchain.core.files.FileRef;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;

/**
 * A peer's {@link FileServing} routes as a {@link ChunkSource}, over the Jetty client the
 * {@link JettyTransport} pools for everything else (keep-alive connections, and TLS with the
 * classroom keystore when the transport uses it); every answer is checked by the caller.
 */
final class HttpChunkSource implements ChunkSource {

    /** The largest have-list accepted: one bit per chunk. */
    private static final int MAX_HAVE_BYTES = FileRef.MAX_CHUNKS / 8;

    /** Gives the transport's client, or fails when the transport is closed. */
    @FunctionalInterface
    interface Client {
        HttpClient get() throws IOException;
    }

    private final Client client;
    private final String address;
    private final Duration timeout;

    HttpChunkSource(Client client, String address, Duration timeout) {
        this.client = client;
        this.address = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
        this.timeout = timeout;
    }

    @Override
    public String id() {
        return address;
    }

    @Override
    public byte[] manifest(FileRef ref) throws IOException {
        return get(ref, "/manifest", ref.manifestLength());
    }

    @Override
    public BitSet have(FileRef ref) throws IOException {
        return BitSet.valueOf(get(ref, "/have", MAX_HAVE_BYTES));
    }

    @Override
    public byte[] chunk(FileRef ref, int index) throws IOException {
        return get(ref, "/chunks/" + index, ref.chunkLength(index));
    }

    private byte[] get(FileRef ref, String what, int maxBytes) throws IOException {
        URI uri;
        Request request;
        try {
            uri = URI.create(address + FileServing.PREFIX + "/" + ref.root().hex() + what);
            request = client.get().newRequest(uri).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> h.put(HttpHeader.ACCEPT, FileServing.OCTETS));
        } catch (IllegalArgumentException e) {
            throw new IOException("bad address " + address, e);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e); // the transport is closed
        }
        // a body longer than maxBytes fails the response instead of being buffered whole
        CompletableFuture<ContentResponse> sent = new CompletableResponseListener(request, Math.max(maxBytes, 1)).send();
        ContentResponse response;
        try {
            response = sent.get();
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("GET " + uri + " failed: " + Failures.describe(uri, e.getCause()), e.getCause());
        }
        if (response.getStatus() != 200) {
            throw new IOException("answered " + response.getStatus() + " to " + what);
        }
        return response.getContent();
    }
}
