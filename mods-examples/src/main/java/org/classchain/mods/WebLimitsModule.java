package org.classchain.mods;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/**
 * {@code web-limits}: limits the web in the computer's browsers through the policies an
 * administrator sets, which the student cannot change in the browser: {@code action=block} with
 * {@code sites=a.com,b.org} blocks those sites; {@code action=only} allows those sites alone;
 * {@code action=lift} puts every policy file back exactly as it was before the first limit (byte
 * for byte, and removed where there was none). Chromium and Google Chrome get a managed policy
 * file ({@code URLBlocklist}/{@code URLAllowlist}), Firefox its {@code policies.json}
 * ({@code WebsiteFilter}, the file's other policies kept). The receipt names the browsers and
 * files configured. Chromium applies a new policy to pages opened after it reads the file (it
 * watches the folder); Firefox reads its policies when it starts.
 *
 * <p>The policy folders belong to root: a peer that may not write them answers UNAVAILABLE,
 * naming the path, and changes nothing; the ClassChain system service is what gives a peer those
 * rights.
 */
public final class WebLimitsModule implements CommandModule {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Supplier<BrowserPolicyPlaces> places;
    private final Predicate<Path> writable;

    /** The browsers installed on this computer ({@link BrowserPolicyPlaces#system()}), looked for at each command. */
    public WebLimitsModule() {
        this(BrowserPolicyPlaces::system);
    }

    /**
     * A module that writes the policies at these places (tests, or another layout of the computer).
     *
     * @param places where the browsers read their policies, asked at each command
     */
    public WebLimitsModule(Supplier<BrowserPolicyPlaces> places) {
        this(places, WebLimitsModule::writable);
    }

    /** @param writable whether this peer may create or replace a file at a path (tests hand in a refusal) */
    WebLimitsModule(Supplier<BrowserPolicyPlaces> places, Predicate<Path> writable) {
        this.places = places;
        this.writable = writable;
    }

    @Override
    public String name() {
        return "web-limits";
    }

    @Override
    public String description() {
        return "Limit the web in the students' browsers: block sites, allow only some, or lift the limits";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.required("action", ArgumentType.STRING,
                        "block (these sites), only (these sites, nothing else) or lift (every limit)"),
                ArgumentSpec.optional("sites", ArgumentType.LIST, null,
                        "for block and only: sites separated by commas, e.g. example.com,wikipedia.org"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) throws IOException {
        String action = argument(command, "action").strip().toLowerCase(Locale.ROOT);
        if (!List.of("block", "only", "lift").contains(action)) {
            return Outcome.failed("argument 'action' is block, only or lift, not '" + argument(command, "action") + "'");
        }
        BrowserPolicyPlaces at = places.get();
        if (action.equals("lift")) {
            return lift(at);
        }
        List<WebSites.Site> sites;
        try {
            sites = WebSites.parse(argument(command, "sites"));
        } catch (Arguments.Invalid e) {
            return Outcome.failed(e.getMessage());
        }
        return limit(at, action.equals("only"), sites);
    }

    private Outcome limit(BrowserPolicyPlaces at, boolean only, List<WebSites.Site> sites) throws IOException {
        Map<Path, String> browsers = browsers(at);
        if (browsers.isEmpty()) {
            return Outcome.unavailable("no browser whose policies this module writes is installed (looked for "
                    + "Chromium, Google Chrome and Firefox)");
        }
        // a file this peer may not write is left out when another file of its browser is written (a
        // Firefox distribution folder, when /etc/firefox, which Firefox reads first, is writable)
        List<Path> leftOut = browsers.keySet().stream().filter(f -> !writable.test(f)).toList();
        List<String> unconfigured = browsers.values().stream().distinct()
                .filter(b -> browsers.entrySet().stream().noneMatch(e -> e.getValue().equals(b) && !leftOut.contains(e.getKey())))
                .toList();
        Outcome refused = unwritable(at, browsers.entrySet().stream().filter(e -> unconfigured.contains(e.getValue()))
                .map(Map.Entry::getKey).toList());
        if (refused != null) {
            return refused;
        }
        leftOut.forEach(browsers::remove);
        PolicyFiles files = PolicyFiles.load(at.stateDir(), this::writableDir);
        Map<Path, byte[]> contents = new LinkedHashMap<>();
        byte[] chromium = JSON.writeValueAsBytes(WebSites.chromiumPolicy(only, sites));
        at.chromium().stream().filter(c -> browsers.containsKey(c.file())).forEach(c -> contents.put(c.file(), chromium));
        for (Path firefox : at.firefox().stream().filter(browsers::containsKey).toList()) {
            byte[] before = files.original(firefox);
            ObjectNode root;
            try {
                JsonNode parsed = before == null ? JSON.createObjectNode() : JSON.readTree(before);
                if (!parsed.isObject() || !parsed.path("policies").isMissingNode() && !parsed.path("policies").isObject()) {
                    return Outcome.failed(firefox + " is not a Firefox policies file ({\"policies\": {...}}); nothing "
                            + "was changed");
                }
                root = (ObjectNode) parsed;
            } catch (JsonProcessingException e) {
                return Outcome.failed(firefox + " is not valid JSON (" + e.getOriginalMessage() + "); nothing was changed");
            }
            ObjectNode policies = root.has("policies") ? (ObjectNode) root.get("policies") : root.putObject("policies");
            policies.set("WebsiteFilter", WebSites.firefoxFilter(only, sites));
            contents.put(firefox, JSON.writeValueAsBytes(root));
        }
        for (Path p : contents.keySet()) {
            files.remember(p);
        }
        files.store(); // how every file was, kept before any of them changes
        for (Map.Entry<Path, byte[]> e : contents.entrySet()) {
            try {
                files.write(e.getKey(), e.getValue());
            } catch (IOException ex) {
                return Outcome.failed("could not write " + e.getKey() + ": " + ex.getMessage() + "; send lift to put "
                        + "back the files changed so far");
            }
        }
        List<String> names = sites.stream().map(WebSites.Site::toString).toList();
        return Outcome.executed((only ? "only " : "blocked ") + String.join(", ", names) + (only ? " allowed" : "")
                + " in " + describe(browsers) + (at.firefox().isEmpty() ? "" : "; Firefox applies it when it next starts")
                + (leftOut.isEmpty() ? "" : "; left out (this peer may not write them): " + String.join(", ",
                leftOut.stream().map(Path::toString).toList())));
    }

    private Outcome lift(BrowserPolicyPlaces at) throws IOException {
        PolicyFiles files = PolicyFiles.load(at.stateDir(), this::writableDir);
        if (!files.on()) {
            return Outcome.executed("no web limits were on; nothing to lift");
        }
        Outcome refused = unwritable(at, files.files());
        if (refused != null) {
            return refused;
        }
        Map<Path, String> browsers = new LinkedHashMap<>();
        Map<Path, String> known = browsers(at);
        files.files().forEach(f -> browsers.put(f, known.getOrDefault(f, "a browser")));
        files.restore();
        return Outcome.executed("lifted the web limits: put back as they were the policies of " + describe(browsers));
    }

    /** Every policy file of {@code at}, with the name of its browser. */
    private static Map<Path, String> browsers(BrowserPolicyPlaces at) {
        Map<Path, String> out = new LinkedHashMap<>();
        at.chromium().forEach(c -> out.put(c.file(), c.browser()));
        at.firefox().forEach(f -> out.put(f, "Firefox"));
        return out;
    }

    /** "Chromium (/etc/…/x.json), Firefox (/etc/firefox/policies/policies.json, …)". */
    private static String describe(Map<Path, String> browsers) {
        Map<String, List<String>> byBrowser = new LinkedHashMap<>();
        browsers.forEach((file, browser) -> byBrowser.computeIfAbsent(browser, b -> new ArrayList<>()).add(file.toString()));
        List<String> parts = new ArrayList<>();
        byBrowser.forEach((browser, list) -> parts.add(browser + " (" + String.join(", ", list) + ")"));
        return String.join(", ", parts);
    }

    /** UNAVAILABLE naming what this peer may not write, or null when it may write every file and the state folder. */
    private Outcome unwritable(BrowserPolicyPlaces at, Iterable<Path> targets) {
        List<Path> refused = new ArrayList<>();
        for (Path file : targets) {
            if (!writable.test(file)) {
                refused.add(file);
            }
        }
        if (!writable.test(at.stateDir().resolve(PolicyFiles.RECORD))) {
            refused.add(at.stateDir());
        }
        if (refused.isEmpty()) {
            return null;
        }
        return Outcome.unavailable("this peer may not write " + String.join(", ", refused.stream().map(Path::toString)
                .toList()) + " (browser policies belong to root): web limits need the ClassChain system service, "
                + "which applies them for the peer; nothing was changed");
    }

    /**
     * Whether {@code file} can be written: an existing file this peer may write (in place, as under
     * the system service), else a new one in a folder it may write (the nearest existing one above).
     */
    static boolean writable(Path file) {
        if (Files.exists(file)) {
            return Files.isWritable(file);
        }
        Path dir = file.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        return dir != null && Files.isDirectory(dir) && Files.isWritable(dir);
    }

    /** Whether a new file can be made (or renamed) in {@code dir}: asked of the same test, for a file not there. */
    private boolean writableDir(Path dir) {
        return writable.test(dir.resolve(".classchain-probe-" + Long.toHexString(System.nanoTime())));
    }
}
