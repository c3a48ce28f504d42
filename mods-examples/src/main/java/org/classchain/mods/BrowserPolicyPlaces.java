package org.classchain.mods;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the browsers of a computer read the policies an administrator sets, as the
 * {@link WebLimitsModule} writes them: Chromium-family managed policy folders (every JSON file
 * in them is read) and Firefox's
 * {@code policies.json} files (on Linux {@code /etc/firefox/policies/policies.json} wins over the
 * {@code distribution} folder of the installation). Also where the module keeps the files as they
 * were before it changed them, to put them back exactly when the limits are lifted.
 *
 * @param chromium the Chromium-family browsers to configure
 * @param firefox the Firefox {@code policies.json} files to write, the one Firefox reads first first
 *                (on Linux {@code /etc/firefox/policies/policies.json}); empty when Firefox is not installed
 * @param stateDir where the previous files are kept while limits are on
 */
public record BrowserPolicyPlaces(List<Chromium> chromium, List<Path> firefox, Path stateDir) {

    /**
     * The name of the managed policy file this module writes into a Chromium-family policy folder:
     * the file the system service's package creates, owned by the service's user.
     */
    public static final String CHROMIUM_FILE = "classchain-web-limits.json";

    /**
     * One Chromium-family browser's managed policy file.
     *
     * @param browser its name, for the receipt ("Chromium", "Google Chrome")
     * @param managedDir its managed policy folder, e.g. {@code /etc/chromium/policies/managed}
     * @param fileName the file written there, {@link #CHROMIUM_FILE}
     */
    public record Chromium(String browser, Path managedDir, String fileName) {

        /**
         * Checks the values.
         *
         * @param browser never null
         * @param managedDir never null
         * @param fileName a plain file name ending in {@code .json}
         */
        public Chromium {
            Objects.requireNonNull(browser, "browser");
            Objects.requireNonNull(managedDir, "managedDir");
            if (fileName == null || !fileName.endsWith(".json") || fileName.contains("/") || fileName.startsWith(".")) {
                throw new IllegalArgumentException("a policy file name ends in .json and names no folder: " + fileName);
            }
        }

        /** {@return the policy file} */
        public Path file() {
            return managedDir.resolve(fileName);
        }
    }

    /**
     * Copies the lists.
     *
     * @param chromium copied
     * @param firefox copied
     * @param stateDir never null
     */
    public BrowserPolicyPlaces {
        chromium = List.copyOf(chromium);
        firefox = List.copyOf(firefox);
        Objects.requireNonNull(stateDir, "stateDir");
    }

    /** Where the module keeps the previous files on a real computer. */
    public static final Path SYSTEM_STATE_DIR = Path.of("/var/lib/classchain/web-limits");

    /**
     * {@return the browsers installed on this Linux computer, found now}: Chromium (Debian's
     * {@code /etc/chromium}), Google Chrome ({@code /etc/opt/chrome}) and Firefox (the {@code /etc}
     * file and the {@code distribution} folder of each installation found)
     */
    public static BrowserPolicyPlaces system() {
        List<Chromium> chromium = new ArrayList<>();
        if (anyExists("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium", "/etc/chromium")) {
            chromium.add(new Chromium("Chromium", Path.of("/etc/chromium/policies/managed"), CHROMIUM_FILE));
        }
        if (anyExists("/opt/google/chrome", "/etc/opt/chrome")) {
            chromium.add(new Chromium("Google Chrome", Path.of("/etc/opt/chrome/policies/managed"), CHROMIUM_FILE));
        }
        List<Path> firefox = new ArrayList<>();
        for (String dir : List.of("/usr/lib/firefox", "/usr/lib/firefox-esr", "/usr/lib64/firefox", "/opt/firefox")) {
            Path d = Path.of(dir);
            if (Files.exists(d.resolve("firefox")) || Files.exists(d.resolve("firefox-bin"))) {
                firefox.add(d.resolve("distribution").resolve("policies.json"));
            }
        }
        if (!firefox.isEmpty() || anyExists("/usr/bin/firefox", "/usr/bin/firefox-esr", "/snap/bin/firefox")) {
            firefox.add(0, Path.of("/etc/firefox/policies/policies.json"));
        }
        return new BrowserPolicyPlaces(chromium, firefox, SYSTEM_STATE_DIR);
    }

    private static boolean anyExists(String... paths) {
        for (String p : paths) {
            if (Files.exists(Path.of(p))) {
                return true;
            }
        }
        return false;
    }
}
