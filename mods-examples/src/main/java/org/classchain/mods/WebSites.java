package org.classchain.mods;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sites of a web limit, as the teacher typed them ({@code example.com}, {@code
 * https://wiki.example.org/maths}, {@code 10.0.0.5:8080}), and the policies that say "block these"
 * or "only these" to Chromium ({@code URLBlocklist}/{@code URLAllowlist} filters) and to Firefox
 * ({@code WebsiteFilter} match patterns). A name covers its subdomains in both browsers; Firefox's
 * patterns cannot name a port, so there a site with a port covers the host on every port.
 */
final class WebSites {

    /** Sites one command names at most. */
    static final int MAX_SITES = 200;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern AUTHORITY = Pattern.compile(
            "([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)(?::([0-9]{1,5}))?");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~%!$&'()+,;=:@/-]{0,500})?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}");

    /** One site: scheme or null for both, host, port or 0, path or empty. */
    record Site(String scheme, String host, int port, String path) {

        /** The Chromium URL filter: {@code [scheme://]host[:port][/path]}. */
        String chromiumFilter() {
            return (scheme == null ? "" : scheme + "://") + host + (port == 0 ? "" : ":" + port) + path;
        }

        /** The Firefox match pattern: {@code scheme://*.host/path*} (a bare IPv4 address without {@code *.}). */
        String firefoxPattern() {
            String h = IPV4.matcher(host).matches() ? host : "*." + host;
            return (scheme == null ? "*" : scheme) + "://" + h + (path.isEmpty() ? "/*" : path + "*");
        }

        @Override
        public String toString() {
            return chromiumFilter();
        }
    }

    private WebSites() {
    }

    /**
     * Parses a comma-separated list of sites.
     *
     * @throws Arguments.Invalid naming the first site that is not one, or when there are none or too many
     */
    static List<Site> parse(String list) throws Arguments.Invalid {
        Set<Site> out = new LinkedHashSet<>();
        for (String raw : list == null ? new String[0] : list.split(",")) {
            String s = raw.strip();
            if (s.isEmpty()) {
                continue;
            }
            String scheme = null;
            String rest = s;
            int i = s.indexOf("://");
            if (i >= 0) {
                scheme = s.substring(0, i).toLowerCase(Locale.ROOT);
                rest = s.substring(i + 3);
            }
            int slash = rest.indexOf('/');
            Matcher m = AUTHORITY.matcher((slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT));
            String path = slash < 0 ? "" : rest.substring(slash);
            if (scheme != null && !scheme.equals("http") && !scheme.equals("https") || !m.matches() || m.group(1).length() > 253
                    || !PATH.matcher(path).matches()) {
                throw new Arguments.Invalid("'" + s + "' is not a site: give a host name or address, with an optional "
                        + "http:// or https://, port and path, e.g. example.com or https://wiki.example.org/maths");
            }
            int port = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            if (m.group(2) != null && (port < 1 || port > 65_535)) {
                throw new Arguments.Invalid("'" + s + "' names port " + m.group(2) + ", not one of 1-65535");
            }
            path = path.equals("/") ? "" : path;
            out.add(new Site(scheme, m.group(1), port, path));
        }
        if (out.isEmpty()) {
            throw new Arguments.Invalid("argument 'sites' names no site (e.g. sites=example.com,wikipedia.org)");
        }
        if (out.size() > MAX_SITES) {
            throw new Arguments.Invalid("argument 'sites' names " + out.size() + " sites; at most " + MAX_SITES);
        }
        return List.copyOf(out);
    }

    /** Chromium's policies: {@code only} blocks {@code *} and allows the sites, else the sites are blocked. */
    static ObjectNode chromiumPolicy(boolean only, List<Site> sites) {
        ObjectNode o = NODES.objectNode();
        if (only) {
            o.putArray("URLBlocklist").add("*");
            fill(o.putArray("URLAllowlist"), sites.stream().map(Site::chromiumFilter).toList());
        } else {
            fill(o.putArray("URLBlocklist"), sites.stream().map(Site::chromiumFilter).toList());
        }
        return o;
    }

    /** Firefox's {@code WebsiteFilter}: {@code only} blocks {@code <all_urls>} except the sites. */
    static ObjectNode firefoxFilter(boolean only, List<Site> sites) {
        ObjectNode o = NODES.objectNode();
        List<String> patterns = new ArrayList<>(new LinkedHashSet<>(sites.stream().map(Site::firefoxPattern).toList()));
        if (only) {
            o.putArray("Block").add("<all_urls>");
            fill(o.putArray("Exceptions"), patterns);
        } else {
            fill(o.putArray("Block"), patterns);
        }
        return o;
    }

    private static void fill(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
