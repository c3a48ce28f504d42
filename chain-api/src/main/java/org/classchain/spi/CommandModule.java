package org.classchain.spi;

import java.time.Duration;
import java.util.List;
import org.classchain.Command;

/**
 * A command a teacher can send, as a plug-in. Found through {@link java.util.ServiceLoader} on
 * the class path and in jars in the peer's {@code mods/} folder.
 *
 * <p>A module implements {@link #name()} and {@link #execute}; the rest has defaults. It should
 * override {@link #apiVersion()} to return {@link #API_VERSION}: the constant is compiled into
 * the module, so the loader can refuse a module built against an incompatible API.
 *
 * <p>{@code execute} runs on a thread of the peer's module pool, one command at a time per
 * module, and is interrupted when it exceeds {@link #timeout()}. What it throws becomes a FAILED
 * receipt; nothing a module does stops the peer. Arguments have been checked against
 * {@link #arguments()} before the call, and defaults are not filled in: read them with
 * {@link #argument(Command, String)}.
 */
public interface CommandModule {

    /** The version of this API; a module built against "1.x" runs on any "1.y". */
    String API_VERSION = "1.1";

    /** {@return the unique name commands use, e.g. {@code blackout}} (see {@link Command#isValidModuleName}) */
    String name();

    /** {@return one line for the console and {@code GET /api/v1/modules}} */
    default String description() {
        return "";
    }

    /** {@return the arguments this module takes} */
    default List<ArgumentSpec> arguments() {
        return List.of();
    }

    /** {@return the API version the module was compiled against, or null when it does not say} */
    default String apiVersion() {
        return null;
    }

    /** {@return how long {@code execute} may run before it is interrupted and reported FAILED} */
    default Duration timeout() {
        return Duration.ofSeconds(30);
    }

    /**
     * Runs the command on this machine.
     *
     * @param context what the module sees of the peer: its node id, clock and host services
     * @param command the command, its arguments checked against {@link #arguments()}
     * @return what happened; never null
     * @throws Exception anything, reported as FAILED with its message
     */
    Outcome execute(ModuleContext context, Command command) throws Exception;

    /**
     * {@return the value of argument {@code name}, or its declared default, or null}
     *
     * @param command the command being run
     * @param name the argument's name
     */
    default String argument(Command command, String name) {
        String given = command.args().get(name);
        if (given != null) {
            return given;
        }
        return arguments().stream().filter(a -> a.name().equals(name)).findFirst()
                .map(ArgumentSpec::defaultValue).orElse(null);
    }
}
