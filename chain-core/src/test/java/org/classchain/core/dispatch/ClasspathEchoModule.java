package org.classchain.core.dispatch;

import java.util.List;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/** A module found through the test-only {@code META-INF/services} file; public for ServiceLoader. */
public final class ClasspathEchoModule implements CommandModule {

    /** The module's name. */
    public static final String NAME = "classpath-echo";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public String description() {
        return "Echoes its text";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(ArgumentSpec.optional("text", ArgumentType.STRING, "hi", "what to echo"));
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        return Outcome.executed("echo " + argument(command, "text"));
    }
}
