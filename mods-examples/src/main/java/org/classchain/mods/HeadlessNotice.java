package org.classchain.mods;

import org.classchain.spi.ModuleContext;
import org.classchain.spi.host.NoticeService;

/**
 * What the display modules share: their headless path (what a module would have shown goes to the
 * peer's notices, else to standard error) and the words of their receipts.
 */
final class HeadlessNotice {

    private HeadlessNotice() {
    }

    /** {@code 1 screen}, {@code 2 screens}. */
    static String screens(int count) {
        return count + (count == 1 ? " screen" : " screens");
    }

    /** {@code ; interrupted 3 times, restored each time}, or nothing for 0. */
    static String interrupted(int interruptions) {
        return interruptions == 0 ? "" : "; interrupted " + interruptions + (interruptions == 1 ? " time" : " times")
                + ", restored each time";
    }

    static void post(ModuleContext context, String title, String text) {
        context.service(NoticeService.class).ifPresentOrElse(n -> n.notice(title, text),
                () -> System.err.println("[classchain notice] " + title + ": " + text));
    }
}
