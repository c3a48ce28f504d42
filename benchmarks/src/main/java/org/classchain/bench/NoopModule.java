package org.classchain.bench;

import org.classchain.Command;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/** A command module that does nothing and reports EXECUTED: the dispatch path without side effects. */
final class NoopModule implements CommandModule {

    static final String NAME = "bench";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        return Outcome.executed("");
    }
}
