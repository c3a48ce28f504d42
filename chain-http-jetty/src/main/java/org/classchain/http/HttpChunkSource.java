package org.classchain.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.BitSet;
import org.classchain.core.files.ChunkSource;
import org.classchain.core.files.FileRef;

/** A peer's {@link FileServing} routes as a {@link ChunkSource}; every answer is checked by the caller. */
final class HttpChunkSource implements ChunkSource {

    /** The largest have-list accepted: one bit per chunk. */
    private static final int MAX_HAVE_BYTES = FileRef.MAX_CHUNKS / 8;

    private final HttpClient client;
    private final String address;
    private final Duration timeout;

    HttpChunkSource(HttpClient client, String address, Duration timeout) {
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(address + FileServing.PREFIX + "/" + ref.root().hex() + what))
                .timeout(timeout).header("Accept", FileServing.OCTETS).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad address " + address, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("answered " + response.statusCode() + " to " + what);
        }
        byte[] body = response.body();
        if (body.length > maxBytes) {
            throw new IOException("sent " + body.length + " bytes for " + what + ", more than " + maxBytes);
        }
        return body;
    }
}
