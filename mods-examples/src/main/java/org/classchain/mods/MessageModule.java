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
 * {@code message}: shows the teacher's text to the student, in a window on top that closes by
 * itself after {@code seconds}. Uses the peer's {@link DesktopService}, else an {@link AwtDesktop};
 * headless, the text becomes a notice (the peer's log and notices file) and the receipt is
 * UNAVAILABLE: nobody saw it.
 */
public final class MessageModule implements CommandModule {
    static final int MAX_TEXT = 2000;
    static final int MAX_TITLE = 200;

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public MessageModule() {
    }

    @Override
    public String name() {
        return "message";
    }

    @Override
    public String description() {
        return "Show a message on the students' screens";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.required("text", ArgumentType.STRING, "the message, at most " + MAX_TEXT + " characters"),
                ArgumentSpec.optional("title", ArgumentType.STRING, "Message from your teacher", "window title"),
                ArgumentSpec.optional("seconds", ArgumentType.INTEGER, "30", "how long the window stays up, 1 to 3600"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        String text;
        String title;
        long seconds;
        try {
            text = Arguments.text("text", argument(command, "text"), MAX_TEXT);
            title = Arguments.text("title", argument(command, "title"), MAX_TITLE);
            seconds = Arguments.integer("seconds", argument(command, "seconds"), 1, 3600);
        } catch (Arguments.Invalid e) {
            return Outcome.failed(e.getMessage());
        }
        if (text.isBlank()) {
            return Outcome.failed("the text is empty");
        }
        DesktopService desktop = context.service(DesktopService.class).orElseGet(AwtDesktop::new);
        if (!desktop.hasDisplay()) {
            HeadlessNotice.post(context, title, text);
            return Outcome.unavailable(desktop.noDisplayReason() + " to show the message on, written as a notice");
        }
        desktop.showMessage(title, text, Duration.ofSeconds(seconds));
        return Outcome.executed(HeadlessNotice.withIncidents(desktop, "shown for " + seconds + " s"));
    }
}
