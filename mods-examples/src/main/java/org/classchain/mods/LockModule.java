package org.classchain.mods;

import java.time.Duration;
import java.util.List;
import org.classchain.Command;
import org.classchain.mods.host.AwtDesktop;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;

/**
 * {@code lock}: the computer locked until {@code unlock}: every screen black with the teacher's
 * message, keyboard and mouse held by the black windows, put back when hidden, closed or killed
 * (see {@link AwtDesktop}). An optional {@code seconds} ends it by itself. Headless, it records a
 * notice and answers UNAVAILABLE.
 */
public final class LockModule implements CommandModule {
    static final String DEFAULT_MESSAGE = "This computer is locked by the teacher";

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public LockModule() {
    }

    @Override
    public String name() {
        return "lock";
    }

    @Override
    public String description() {
        return "Lock the students' computers until unlock, with a message on every screen";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.optional("message", ArgumentType.STRING, DEFAULT_MESSAGE, "the line shown on every screen"),
                ArgumentSpec.optional("seconds", ArgumentType.INTEGER, null,
                        "unlock by itself after this long, 1 to " + BlackoutModule.MAX_SECONDS + "; without it, until unlock"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        Long seconds;
        String message = argument(command, "message");
        try {
            String given = argument(command, "seconds");
            seconds = given == null ? null : Arguments.integer("seconds", given, 1, BlackoutModule.MAX_SECONDS);
            Arguments.text("message", message, BlackoutModule.MAX_MESSAGE);
        } catch (Arguments.Invalid e) {
            return Outcome.failed(e.getMessage());
        }
        String length = seconds == null ? "until unlock" : "for " + seconds + " s";
        DesktopService desktop = context.service(DesktopService.class).orElseGet(AwtDesktop::new);
        if (!desktop.hasDisplay()) {
            HeadlessNotice.post(context, "Locked", "computer locked " + length + ": " + message);
            return Outcome.unavailable(desktop.noDisplayReason() + " to lock, written as a notice");
        }
        int screens;
        try {
            screens = desktop.lock(seconds == null ? null : Duration.ofSeconds(seconds), message);
        } catch (UnsupportedOperationException e) {
            return Outcome.unavailable(e.getMessage());
        }
        return Outcome.executed(HeadlessNotice.withIncidents(desktop, "locked " + length + " on " + HeadlessNotice.screens(screens)));
    }
}
