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
 * {@code blackout}: every screen black, on top and holding the keyboard, for {@code seconds} or,
 * without them, until {@code unblackout}; the student cannot close, hide or kill it (the
 * {@link AwtDesktop} puts it back). Returns once the screens are black. Uses the peer's
 * {@link DesktopService}, else an {@link AwtDesktop}; headless, it records a notice and answers
 * UNAVAILABLE: nothing was blacked out.
 */
public final class BlackoutModule implements CommandModule {
    static final long MAX_SECONDS = 3600;
    static final int MAX_MESSAGE = 200;

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public BlackoutModule() {
    }

    @Override
    public String name() {
        return "blackout";
    }

    @Override
    public String description() {
        return "Black out every screen of the students for a while";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.optional("seconds", ArgumentType.INTEGER, null,
                        "how long the screens stay black, 1 to " + MAX_SECONDS + "; without it, until unblackout"),
                ArgumentSpec.optional("message", ArgumentType.STRING, null, "a line shown on the black screens"));
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
            seconds = given == null ? null : Arguments.integer("seconds", given, 1, MAX_SECONDS);
            if (message != null) {
                Arguments.text("message", message, MAX_MESSAGE);
            }
        } catch (Arguments.Invalid e) {
            return Outcome.failed(e.getMessage());
        }
        String length = seconds == null ? "until unblackout" : "for " + seconds + " s";
        DesktopService desktop = context.service(DesktopService.class).orElseGet(AwtDesktop::new);
        if (!desktop.hasDisplay()) {
            HeadlessNotice.post(context, "Blackout",
                    "screens blacked out " + length + (message == null ? "" : ": " + message));
            return Outcome.unavailable(desktop.noDisplayReason() + " to black out, written as a notice");
        }
        int screens = seconds == null ? desktop.blackoutUntilEnded(message)
                : desktop.blackout(Duration.ofSeconds(seconds), message);
        return Outcome.executed(HeadlessNotice.withIncidents(desktop, "black " + length + " on " + HeadlessNotice.screens(screens)));
    }
}
