package org.classchain.mods;

import java.util.function.Predicate;
import org.classchain.mods.host.AwtDesktop;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;
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

    /**
     * Ends what is up through {@code end} (unblackout, unlock) and says so with the interruptions
     * counted; headless, UNAVAILABLE; a desktop that cannot, UNAVAILABLE with its reason.
     */
    static Outcome end(ModuleContext context, Predicate<DesktopService> end, String ended, String none) {
        DesktopService desktop = context.service(DesktopService.class).orElseGet(AwtDesktop::new);
        if (!desktop.hasDisplay()) {
            return Outcome.unavailable(desktop.noDisplayReason() + ", nothing to end");
        }
        int interruptions = desktop.interruptions();
        try {
            return Outcome.executed(withIncidents(desktop, end.test(desktop) ? ended + interrupted(interruptions) : none));
        } catch (UnsupportedOperationException e) {
            return Outcome.unavailable(e.getMessage());
        }
    }

    /** {@code detail}, then what the desktop says the teacher should hear of ({@code ; session agent restarted 1 time}). */
    static String withIncidents(DesktopService desktop, String detail) {
        String incidents = desktop.incidents();
        return incidents.isEmpty() ? detail : detail + "; " + incidents;
    }

    static void post(ModuleContext context, String title, String text) {
        context.service(NoticeService.class).ifPresentOrElse(n -> n.notice(title, text),
                () -> System.err.println("[classchain notice] " + title + ": " + text));
    }
}
