package org.classchain.mods;

import java.awt.GraphicsEnvironment;
import java.util.List;
import java.util.Optional;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/**
 * {@code message}: shows the teacher's text to the student. With a display, in a window on top
 * that closes by itself after {@code seconds}; headless, as a notice in the peer's log and
 * notices file.
 */
public final class MessageModule implements CommandModule {

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
                ArgumentSpec.required("text", ArgumentType.STRING, "the message"),
                ArgumentSpec.optional("title", ArgumentType.STRING, "Message from your teacher", "window title"),
                ArgumentSpec.optional("seconds", ArgumentType.INTEGER, "30", "how long the window stays up"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        String text = argument(command, "text");
        String title = argument(command, "title");
        long seconds = Long.parseLong(argument(command, "seconds").trim());
        if (text.length() > 2000) {
            return Outcome.failed("the text is longer than 2000 characters");
        }
        Optional<MessageWindow> window = context.service(MessageWindow.class);
        if (window.isPresent() && !GraphicsEnvironment.isHeadless()) {
            window.get().show(title, text, seconds);
            return Outcome.executed("shown for " + seconds + " s");
        }
        Optional<NoticeService> notices = context.service(NoticeService.class);
        if (notices.isPresent()) {
            notices.get().notice(title, text);
        } else {
            System.err.println("[classchain message] " + title + ": " + text);
        }
        return Outcome.executed("no display: written as a notice");
    }

    /** A desktop that can show a message window; absent on a headless machine. */
    public interface MessageWindow {
        /** Shows {@code text} on top for {@code seconds}; returns once the window is up. */
        void show(String title, String text, long seconds);
    }
}
