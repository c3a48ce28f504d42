package org.classchain.samples;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.classchain.core.dispatch.Policy;
import org.classchain.mods.host.SystemPower;

/**
 * A peer's settings file, {@code DATA-DIR/peer.properties}, where an IT admin fixes a student
 * computer's local policy once: {@code deny=close-apps,open-url} or {@code allow=message,blackout},
 * and optionally {@code mods-dir}, {@code inbox}, {@code chain} (the class this computer joins:
 * a chain id or genesis hash), {@code room} (the room's name, under which the teacher's chain is
 * found on the LAN), {@code agent-socket} (run as a system service whose display
 * commands the session agents perform, see {@link SessionAgents}) and {@code agent-users}
 * (agents accepted without a logind session), {@code seed} (comma-separated seed URLs, for the
 * installed service, which has no command line of its own), {@code power-logoff}, {@code power-shutdown},
 * {@code power-reboot} and {@code power-check} (the command lines of the {@code power} module, see
 * {@link #power()}). The installed service reads
 * {@code /etc/classchain/peer.properties} instead ({@code --settings}). Command-line options win
 * over the file.
 */
final class PeerSettings {

    static final String FILE_NAME = "peer.properties";
    private static final Set<String> KEYS = Set.of("deny", "allow", "mods-dir", "inbox", "chain", "room",
            "agent-socket", "agent-users", "seed",
            "power-logoff", "power-shutdown", "power-reboot", "power-check");

    private final Properties props = new Properties();
    private final Path file;

    private PeerSettings(Path file) {
        this.file = file;
    }

    /** The settings in {@code dataDir}, empty when there is no file. */
    static PeerSettings read(Path dataDir) throws IOException {
        return readFile(dataDir.resolve(FILE_NAME));
    }

    /** The settings in {@code file}, empty when there is no such file. */
    static PeerSettings readFile(Path file) throws IOException {
        PeerSettings s = new PeerSettings(file);
        if (Files.exists(s.file)) {
            try (Reader r = Files.newBufferedReader(s.file, StandardCharsets.UTF_8)) {
                s.props.load(r);
            }
            for (String key : s.props.stringPropertyNames()) {
                if (!KEYS.contains(key)) {
                    throw new IOException(s.file + ": unknown setting '" + key + "' (known: " + String.join(", ",
                            KEYS.stream().sorted().toList()) + ")");
                }
            }
        }
        return s;
    }

    /** The policy: the command line's deny/allow when given, else the file's. */
    Policy policy(List<String> denyFlag, List<String> allowFlag) {
        if (denyFlag != null || allowFlag != null) {
            return Policy.parse(denyFlag == null ? null : String.join(",", denyFlag),
                    allowFlag == null ? null : String.join(",", allowFlag));
        }
        try {
            return Policy.parse(props.getProperty("deny"), props.getProperty("allow"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The chain this computer must join: the flag, else the file's {@code chain=}, else null (any). */
    String chain(String flag) {
        if (flag != null && !flag.isBlank()) {
            return flag.trim();
        }
        String v = props.getProperty("chain");
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The room's name: the flag, else the file's {@code room=}, else null (no discovery on the LAN). */
    String room(String flag) {
        String v = flag != null ? flag : props.getProperty("room");
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** A text setting: the flag, else the file's, else null. */
    String text(String key, String flag) {
        if (flag != null) {
            return flag;
        }
        String v = props.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** A comma-separated setting as a list without blanks; empty when not set. */
    List<String> list(String key) {
        String v = props.getProperty(key);
        return v == null ? List.of() : java.util.Arrays.stream(v.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The {@code power} module's commands: {@code power-logoff=}, {@code power-shutdown=},
     * {@code power-reboot=} and the rights check {@code power-check=} (empty: none), each
     * defaulting to systemd's and polkit's (see {@link SystemPower}).
     */
    SystemPower power() {
        Map<SystemPower.Action, String> lines = new EnumMap<>(SystemPower.Action.class);
        for (SystemPower.Action a : SystemPower.Action.values()) {
            String v = props.getProperty("power-" + a.argument());
            if (v != null && !v.isBlank()) {
                lines.put(a, v);
            }
        }
        return new SystemPower(lines, props.getProperty("power-check"));
    }

    /** A path setting, or {@code fallback}. */
    Path path(String key, Path flag, Path fallback) {
        if (flag != null) {
            return flag;
        }
        String v = props.getProperty(key);
        return v == null || v.isBlank() ? fallback : Path.of(v.trim());
    }
}
