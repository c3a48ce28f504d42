package org.classchain.mods;

import org.classchain.Command;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;

/**
 * {@code unblackout}: ends a {@code blackout} now (not a {@code lock}) and tells the teacher how
 * often the student interrupted it. Takes no arguments.
 */
public final class UnblackoutModule implements CommandModule {

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public UnblackoutModule() {
    }

    @Override
    public String name() {
        return "unblackout";
    }

    @Override
    public String description() {
        return "End a blackout before its time";
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        return HeadlessNotice.end(context, DesktopService::unblackout, "blackout ended", "no blackout was up");
    }
}
