package org.classchain.mods;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import org.classchain.Command;
import org.classchain.mods.host.AwtDesktop;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;

/**
 * {@code open-url}: opens an http or https page in the student's default browser. Any other
 * scheme ({@code file:}, {@code javascript:}, a custom handler) and URLs carrying a user name are
 * refused. Uses the peer's {@link DesktopService}, else an {@link AwtDesktop}; headless, the
 * URL becomes a notice and the receipt is UNAVAILABLE: no page was opened.
 */
public final class OpenUrlModule implements CommandModule {
    static final int MAX_URL = 2000;

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public OpenUrlModule() {
    }

    @Override
    public String name() {
        return "open-url";
    }

    @Override
    public String description() {
        return "Open a web page in the students' browser";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(ArgumentSpec.required("url", ArgumentType.URL, "the page, http or https"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        String url = argument(command, "url").strip();
        if (url.length() > MAX_URL) {
            return Outcome.failed("the URL is longer than " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Outcome.failed("not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Outcome.failed("only http and https pages can be opened, not '" + scheme + ":'");
        }
        if (uri.getHost() == null) {
            return Outcome.failed("the URL names no host");
        }
        if (uri.getRawUserInfo() != null) {
            return Outcome.failed("URLs with a user name or password before the host are refused");
        }
        DesktopService desktop = context.service(DesktopService.class).orElseGet(AwtDesktop::new);
        if (!desktop.hasDisplay()) {
            HeadlessNotice.post(context, "Open this page", uri.toString());
            return Outcome.unavailable(desktop.noDisplayReason() + " to open a browser on, written as a notice");
        }
        try {
            desktop.browse(uri);
        } catch (UnsupportedOperationException e) {
            return Outcome.failed("no browser: " + e.getMessage());
        } catch (IOException e) {
            return Outcome.failed("could not open the browser: " + e.getMessage());
        }
        return Outcome.executed(HeadlessNotice.withIncidents(desktop, "opened " + uri));
    }
}
