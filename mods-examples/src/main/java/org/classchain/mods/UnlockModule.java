package org.classchain.mods;

import org.classchain.Command;
import org.classchain.mods.host.AwtDesktop;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;

/**
 * {@code unlock}: ends a {@code lock} now (not a blackout) and tells the teacher how often the
 * student interrupted it. Takes no arguments.
 */
public final class UnlockModule implements CommandModule {

    @Override
    public String name() {
        return "unlock";
    }

    @Override
    public String description() {
        return "Unlock the students' computers";
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        DesktopService desktop = context.service(DesktopService.class).orElseGet(AwtDesktop::new);
        if (!desktop.hasDisplay()) {
            return Outcome.unavailable("headless: no display, nothing to unlock");
        }
        int interruptions = desktop.interruptions();
        try {
            return Outcome.executed(desktop.unlock() ? "unlocked" + HeadlessNotice.interrupted(interruptions)
                    : "no lock was up");
        } catch (UnsupportedOperationException e) {
            return Outcome.unavailable(e.getMessage());
        }
    }
}
