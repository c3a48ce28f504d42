package org.classchain.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The teacher console's static files, read once from the class path
 * ({@code org/classchain/http/console/}) and served from memory at {@code GET /} and
 * {@code GET /<file>}: no CDN, no build step, a few tens of kilobytes in all.
 *
 * <p>Caching: {@code Cache-Control: no-cache} with a strong {@code ETag} (SHA-256 of the bytes),
 * so a browser revalidates on every load and a peer upgraded to a new console is never shown an
 * old script, while an unchanged file costs a 304. Every answer carries a Content-Security-Policy
 * that allows only this peer's own scripts, styles, images and connections.
 *
 * <p>Immutable and thread-safe.
 */
final class ConsoleAssets {

    /** Where the files live on the class path. */
    static final String ROOT = "org/classchain/http/console/";

    /**
     * The files served. {@code console.js} is the page's entry module; it imports the others
     * ({@code import ... from './api.js'}), which the browser fetches from here as they are: no
     * bundler, and {@code script-src 'self'} covers them. crypto.js and srp.js are classic scripts.
     */
    static final List<String> FILES = List.of("index.html", "console.css", "favicon.svg", "crypto.js", "srp.js",
            "console.js", "api.js", "dom.js", "state.js", "session.js", "room.js", "commands.js", "groups.js",
            "computers.js", "accounts.js", "results.js", "chain.js", "live.js", "screens.js");

    /** Content types by file extension; the module scripts must be a JavaScript type or the browser refuses them. */
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    /** Only this peer's own assets; images may also be blob: URLs the page makes itself. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    /** One file in memory. */
    record Asset(String path, String contentType, byte[] body, String etag) {
    }

    private final Map<String, Asset> assets;

    private ConsoleAssets(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /**
     * Loads the console from the class path of this class.
     *
     * @throws UncheckedIOException if a file is missing from the jar (a broken build)
     */
    static ConsoleAssets load() {
        Map<String, Asset> out = new LinkedHashMap<>();
        for (String f : FILES) {
            byte[] body = read(ROOT + f);
            String type = TYPES.get(f.substring(f.lastIndexOf('.') + 1));
            out.put("/" + f, new Asset("/" + f, type, body, etag(body)));
        }
        out.put("/", out.get("/index.html"));
        return new ConsoleAssets(out);
    }

    /** The asset served at {@code path}, or null. */
    Asset find(String path) {
        return assets.get(path);
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("the console file " + resource + " is missing"));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(d, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether an {@code If-None-Match} header names this asset's tag. */
    static boolean matches(String ifNoneMatch, Asset asset) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String t : ifNoneMatch.split(",")) {
            String tag = t.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(asset.etag())) {
                return true;
            }
        }
        return false;
    }

    /** Total bytes served, for the size check in the tests. */
    int totalBytes() {
        return assets.entrySet().stream().filter(e -> !e.getKey().equals("/"))
                .mapToInt(e -> e.getValue().body().length).sum();
    }
}
