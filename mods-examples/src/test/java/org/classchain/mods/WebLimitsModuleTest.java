package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 8: the {@code web-limits} module writes the policy files Chromium, Chrome and
 * Firefox read, in the shape they read them, and lifting puts back every file byte for byte, its
 * permissions, and the absence of the files and folders that were not there.
 */
class WebLimitsModuleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An administrator's Firefox policies, kept through the limits and put back exactly (odd spacing included). */
    private static final String ADMIN_FIREFOX = "{ \"policies\" : {\"DisableTelemetry\": true,\n"
            + "  \"WebsiteFilter\": {\"Block\": [\"*://*.games.example/*\"]} } }\n";

    @TempDir
    Path root;

    private BrowserPolicyPlaces places() {
        return new BrowserPolicyPlaces(List.of(
                new BrowserPolicyPlaces.Chromium("Chromium", root.resolve("etc/chromium/policies/managed"),
                        BrowserPolicyPlaces.CHROMIUM_FILE),
                new BrowserPolicyPlaces.Chromium("Google Chrome", root.resolve("etc/opt/chrome/policies/managed"),
                        BrowserPolicyPlaces.CHROMIUM_FILE)),
                List.of(root.resolve("etc/firefox/policies/policies.json"),
                        root.resolve("usr/lib/firefox/distribution/policies.json")),
                root.resolve("var/lib/classchain/web-limits"));
    }

    private Outcome run(WebLimitsModule m, Map<String, String> args) throws Exception {
        return m.execute(new TestContext(), TestContext.command("web-limits", args));
    }

    /**
     * Every file under the root but the module's own state folder, with its bytes and permissions:
     * what must come back after a lift.
     */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> !p.startsWith(root.resolve("var"))).toList()) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir " + perms
                        : perms + " " + new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    @Test
    void blockWritesThePoliciesEachBrowserReadsAndLiftPutsBackEveryFileByteForByte() throws Exception {
        Path firefoxEtc = root.resolve("etc/firefox/policies/policies.json");
        Files.createDirectories(firefoxEtc.getParent());
        Files.writeString(firefoxEtc, ADMIN_FIREFOX);
        Files.setPosixFilePermissions(firefoxEtc, PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectories(root.resolve("etc/chromium"));
        Files.writeString(root.resolve("etc/chromium/master_preferences"), "{}");
        Map<String, String> before = snapshot();
        WebLimitsModule m = new WebLimitsModule(this::places);

        Outcome blocked = run(m, Map.of("action", "block", "sites", "Games.example, https://video.example/watch ,10.0.0.5:8080"));
        assertThat(blocked.success()).as(blocked.detail()).isTrue();
        assertThat(blocked.detail()).contains("blocked games.example, https://video.example/watch, 10.0.0.5:8080")
                .contains("Chromium (" + root.resolve("etc/chromium/policies/managed/classchain-web-limits.json"))
                .contains("Google Chrome (").contains("Firefox (" + firefoxEtc + ", "
                        + root.resolve("usr/lib/firefox/distribution/policies.json") + ")");

        for (String dir : List.of("etc/chromium/policies/managed", "etc/opt/chrome/policies/managed")) {
            // Chromium reads every file of its managed folder as one JSON object of policies
            JsonNode policy = JSON.readTree(root.resolve(dir).resolve(BrowserPolicyPlaces.CHROMIUM_FILE).toFile());
            assertThat(texts(policy.get("URLBlocklist"))).containsExactly("games.example",
                    "https://video.example/watch", "10.0.0.5:8080");
            assertThat(policy.has("URLAllowlist")).isFalse();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    root.resolve(dir).resolve(BrowserPolicyPlaces.CHROMIUM_FILE)))).isEqualTo("rw-r--r--");
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                assertThat(files.toList()).as("no temporary file left where Chromium reads").hasSize(1);
            }
        }
        // Firefox reads policies.WebsiteFilter; the administrator's other policies stay
        JsonNode etc = JSON.readTree(firefoxEtc.toFile());
        assertThat(etc.at("/policies/DisableTelemetry").asBoolean()).isTrue();
        assertThat(texts(etc.at("/policies/WebsiteFilter/Block"))).containsExactly("*://*.games.example/*",
                "https://*.video.example/watch*", "*://10.0.0.5/*");
        JsonNode dist = JSON.readTree(root.resolve("usr/lib/firefox/distribution/policies.json").toFile());
        assertThat(dist.at("/policies/WebsiteFilter")).isEqualTo(etc.at("/policies/WebsiteFilter"));

        // a second limit replaces the first; the record of the files as they were is kept
        Outcome only = run(m, Map.of("action", "only", "sites", "wikipedia.org"));
        assertThat(only.success()).as(only.detail()).isTrue();
        JsonNode chromium = JSON.readTree(root.resolve("etc/chromium/policies/managed")
                .resolve(BrowserPolicyPlaces.CHROMIUM_FILE).toFile());
        assertThat(texts(chromium.get("URLBlocklist"))).containsExactly("*");
        assertThat(texts(chromium.get("URLAllowlist"))).containsExactly("wikipedia.org");
        etc = JSON.readTree(firefoxEtc.toFile());
        assertThat(texts(etc.at("/policies/WebsiteFilter/Block"))).containsExactly("<all_urls>");
        assertThat(texts(etc.at("/policies/WebsiteFilter/Exceptions"))).containsExactly("*://*.wikipedia.org/*");
        assertThat(etc.at("/policies/DisableTelemetry").asBoolean()).isTrue();

        Outcome lifted = run(m, Map.of("action", "lift"));
        assertThat(lifted.success()).as(lifted.detail()).isTrue();
        assertThat(lifted.detail()).contains("Chromium", "Google Chrome", "Firefox");
        assertThat(snapshot()).as("every file, folder and permission as before the first limit").isEqualTo(before);
        assertThat(Files.readString(firefoxEtc)).isEqualTo(ADMIN_FIREFOX);

        Outcome again = run(m, Map.of("action", "lift"));
        assertThat(again.success()).isTrue();
        assertThat(again.detail()).contains("no web limits were on");
    }

    @Test
    void theRecordOfTheFilesAsTheyWereSurvivesAPeerRestart() throws Exception {
        Map<String, String> before = snapshot();
        assertThat(run(new WebLimitsModule(this::places), Map.of("action", "block", "sites", "a.example")).success())
                .isTrue();
        // a new module (the peer restarted) lifts what the old one set
        Outcome lifted = run(new WebLimitsModule(this::places), Map.of("action", "lift"));
        assertThat(lifted.success()).as(lifted.detail()).isTrue();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aPeerThatMayNotWriteThePoliciesAnswersUnavailableNamingThePathAndChangesNothing() throws Exception {
        Map<String, String> before = snapshot();
        Path chromium = root.resolve("etc/chromium/policies/managed").resolve(BrowserPolicyPlaces.CHROMIUM_FILE);
        // as root every path is writable: the refusal a peer running as a student's user gets is handed in
        WebLimitsModule m = new WebLimitsModule(this::places, p -> !p.equals(chromium));
        Outcome o = run(m, Map.of("action", "block", "sites", "a.example"));
        assertThat(o.unavailable()).as(o.detail()).isTrue();
        assertThat(o.detail()).contains(chromium.toString()).contains("system service").contains("nothing was changed");
        assertThat(snapshot()).isEqualTo(before);
    }

    /**
     * As under the system service: the package made the policy files (not their folders) the
     * service's, so each is rewritten in place; a Firefox distribution file the peer may not
     * create is left out (Firefox reads /etc first) and named; lift puts the files back.
     */
    @Test
    void underTheServiceOnlyThePolicyFilesAreWritableAndAreRewrittenInPlace() throws Exception {
        Path chromium = root.resolve("etc/chromium/policies/managed").resolve(BrowserPolicyPlaces.CHROMIUM_FILE);
        Path firefoxEtc = root.resolve("etc/firefox/policies/policies.json");
        Path firefoxDist = root.resolve("usr/lib/firefox/distribution/policies.json");
        Files.createDirectories(chromium.getParent());
        Files.writeString(chromium, "{}\n");
        Files.createDirectories(firefoxEtc.getParent());
        Files.writeString(firefoxEtc, "{\"policies\": {}}\n");
        Map<String, String> before = snapshot();
        Object chromiumInode = Files.getAttribute(chromium, "unix:ino");
        BrowserPolicyPlaces places = new BrowserPolicyPlaces(List.of(new BrowserPolicyPlaces.Chromium("Chromium",
                chromium.getParent(), BrowserPolicyPlaces.CHROMIUM_FILE)), List.of(firefoxEtc, firefoxDist),
                root.resolve("var/lib/classchain/web-limits"));
        WebLimitsModule m = new WebLimitsModule(() -> places,
                p -> p.startsWith(root.resolve("var")) || p.equals(chromium) || p.equals(firefoxEtc));

        Outcome o = run(m, Map.of("action", "block", "sites", "a.example"));
        assertThat(o.success()).as(o.detail()).isTrue();
        assertThat(o.detail()).contains("Chromium (" + chromium + ")").contains("Firefox (" + firefoxEtc + ")")
                .contains("left out (this peer may not write them): " + firefoxDist);
        assertThat(texts(JSON.readTree(chromium.toFile()).get("URLBlocklist"))).containsExactly("a.example");
        assertThat(texts(JSON.readTree(firefoxEtc.toFile()).at("/policies/WebsiteFilter/Block")))
                .containsExactly("*://*.a.example/*");
        assertThat(Files.getAttribute(chromium, "unix:ino")).as("rewritten in place").isEqualTo(chromiumInode);
        assertThat(firefoxDist).doesNotExist();

        assertThat(run(m, Map.of("action", "lift")).success()).isTrue();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(Files.getAttribute(chromium, "unix:ino")).isEqualTo(chromiumInode);
    }

    @Test
    void aFolderTheUserMayNotWriteIsSeenAsSuch() throws Exception {
        Path locked = Files.createDirectories(root.resolve("locked"));
        Path mine = Files.writeString(locked.resolve("mine.json"), "{}");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        assertThat(WebLimitsModule.writable(locked.resolve("a/b/policies.json"))).as("root writes anywhere")
                .isEqualTo(asRoot);
        assertThat(WebLimitsModule.writable(root.resolve("free/a/policies.json"))).isTrue();
        assertThat(WebLimitsModule.writable(mine)).as("a file of one's own in a folder one may not write").isTrue();
    }

    @Test
    void badSitesAndActionsFailWithTheReasonAndChangeNothing() throws Exception {
        Map<String, String> before = snapshot();
        WebLimitsModule m = new WebLimitsModule(this::places);
        List<String> details = new ArrayList<>();
        for (Map<String, String> args : List.of(Map.of("action", "block"), Map.of("action", "block", "sites", " , "),
                Map.of("action", "block", "sites", "javascript:alert(1)"), Map.of("action", "only", "sites", "a.example:99999"),
                Map.of("action", "block", "sites", "ftp://a.example"), Map.of("action", "block", "sites", "a.example/*"),
                Map.of("action", "open", "sites", "a.example"))) {
            Outcome o = run(m, args);
            assertThat(o.success()).as(args.toString()).isFalse();
            assertThat(o.unavailable()).as(args.toString()).isFalse();
            details.add(o.detail());
        }
        assertThat(details.get(0)).contains("names no site");
        assertThat(details.get(2)).contains("'javascript:alert(1)' is not a site");
        assertThat(details.get(3)).contains("port 99999");
        assertThat(details.get(6)).contains("block, only or lift");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aFirefoxPolicyFileThatIsNotJsonIsLeftAloneAndNothingIsChanged() throws Exception {
        Path firefoxEtc = root.resolve("etc/firefox/policies/policies.json");
        Files.createDirectories(firefoxEtc.getParent());
        Files.writeString(firefoxEtc, "{ not json");
        Map<String, String> before = snapshot();
        Outcome o = run(new WebLimitsModule(this::places), Map.of("action", "block", "sites", "a.example"));
        assertThat(o.success()).isFalse();
        assertThat(o.detail()).contains(firefoxEtc.toString()).contains("not valid JSON");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void noBrowserInstalledIsUnavailable() throws Exception {
        WebLimitsModule m = new WebLimitsModule(() -> new BrowserPolicyPlaces(List.of(), List.of(), root.resolve("state")));
        Outcome o = run(m, Map.of("action", "block", "sites", "a.example"));
        assertThat(o.unavailable()).isTrue();
        assertThat(o.detail()).contains("no browser");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
