package org.classchain.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fingerprint of the code a peer runs (DESIGN 6): SHA-256 over the launcher's own jar and
 * every jar in its mods folder, in name order. A consistency check (the same build everywhere),
 * not a proof: a hostile peer can present any fingerprint it likes.
 */
final class Fingerprints {
    private Fingerprints() {
    }

    /** The fingerprint of this launcher's jar plus the mods; "" when not running from a jar. */
    static String ofRunningCode(Path modsDir) throws IOException {
        Path self;
        try {
            self = Path.of(Fingerprints.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return "";
        }
        if (!Files.isRegularFile(self)) {
            return "";
        }
        List<Path> files = new ArrayList<>(List.of(self));
        if (modsDir != null && Files.isDirectory(modsDir)) {
            try (Stream<Path> s = Files.list(modsDir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(files::add);
            }
        }
        return of(files);
    }

    /** SHA-256 over the files' names and contents, in the given order. */
    static String of(List<Path> files) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (Path f : files) {
                sha.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                try (InputStream in = Files.newInputStream(f)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
