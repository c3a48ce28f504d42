package org.classchain.core.files;

import java.util.HashMap;
import java.util.Map;
import org.classchain.Hash;

/** A {@link FileRef} as a few {@code key=value} lines, for the store's {@code ref} file. */
final class RefText {
    private RefText() {
    }

    static String encode(FileRef ref) {
        return "size=" + ref.size() + "\nsha256=" + ref.sha256().hex() + "\nroot=" + ref.root().hex()
                + "\nchunkSize=" + ref.chunkSize() + "\nname=" + ref.name().replace('\n', ' ') + "\n";
    }

    static FileRef decode(String text) {
        Map<String, String> kv = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            return new FileRef(kv.getOrDefault("name", ""), Long.parseLong(kv.get("size")),
                    Hash.fromHex(kv.get("sha256")), Hash.fromHex(kv.get("root")), Integer.parseInt(kv.get("chunkSize")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a file reference: " + e.getMessage(), e);
        }
    }
}
