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
 * {@code blackout}: every screen black, on top and holding the keyboard, for {@code seconds} or
 * until {@code unblackout}; the student cannot close it. Returns once the screens are black.
 * Uses the peer's {@link DesktopService}, else an {@link AwtDesktop}; headless, it records a
 * notice and the receipt says there was no display.
 */
public final class BlackoutModule implements CommandModule {
    static final long MAX_SECONDS = 3600;
    static final int MAX_MESSAGE = 200;

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
                ArgumentSpec.required("seconds", ArgumentType.INTEGER, "how long the screens stay black, 1 to " + MAX_SECONDS),
                ArgumentSpec.optional("message", ArgumentType.STRING, null, "a line shown on the black screens"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        long seconds;
        String message = argument(command, "message");
        try {
            seconds = Arguments.integer("seconds", argument(command, "seconds"), 1, MAX_SECONDS);
            if (message != null) {
                Arguments.text("message", message, MAX_MESSAGE);
            }
        } catch (Arguments.Invalid e) {
            return Outcome.failed(e.getMessage());
        }
        DesktopService desktop = context.service(DesktopService.class).orElseGet(AwtDesktop::new);
        if (!desktop.hasDisplay()) {
            HeadlessNotice.post(context, "Blackout",
                    "screens blacked out for " + seconds + " s" + (message == null ? "" : ": " + message));
            return Outcome.executed("headless: no display to black out, written as a notice");
        }
        int screens = desktop.blackout(Duration.ofSeconds(seconds), message);
        return Outcome.executed("black for " + seconds + " s on " + screens + (screens == 1 ? " screen" : " screens"));
    }
}
