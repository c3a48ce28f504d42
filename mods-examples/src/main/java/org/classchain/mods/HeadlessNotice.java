package org.classchain.mods;

import org.classchain.spi.ModuleContext;
import org.classchain.spi.host.NoticeService;

/** The headless path: what a module would have shown goes to the peer's notices, else to standard error. */
final class HeadlessNotice {

    private HeadlessNotice() {
    }

    static void post(ModuleContext context, String title, String text) {
        context.service(NoticeService.class).ifPresentOrElse(n -> n.notice(title, text),
                () -> System.err.println("[classchain notice] " + title + ": " + text));
    }
}
