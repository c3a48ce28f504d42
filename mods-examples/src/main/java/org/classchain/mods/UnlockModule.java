package org.classchain.mods;

import org.classchain.Command;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;

/**
 * {@code unlock}: ends a {@code lock} now (not a blackout) and tells the teacher how often the
 * student interrupted it. Takes no arguments.
 */
public final class UnlockModule implements CommandModule {

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public UnlockModule() {
    }

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
        return HeadlessNotice.end(context, DesktopService::unlock, "unlocked", "no lock was up");
    }
}
