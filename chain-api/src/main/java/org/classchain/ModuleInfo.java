package org.classchain;

import java.util.List;
import java.util.Objects;
import org.classchain.spi.ArgumentSpec;

/**
 * An installed command module as {@code GET /api/v1/modules} lists it.
 *
 * @param name the module name
 * @param description one line for people
 * @param arguments the arguments it takes
 * @param source where it was loaded from (class path or a jar's file name)
 * @param allowed whether this peer's local policy lets it run
 */
public record ModuleInfo(String name, String description, List<ArgumentSpec> arguments, String source, boolean allowed) {

    /**
     * Copies the arguments.
     *
     * @param name never null
     * @param description one line for people
     * @param arguments copied
     * @param source where it was loaded from
     * @param allowed whether this peer's local policy lets it run
     */
    public ModuleInfo {
        Objects.requireNonNull(name, "name");
        arguments = List.copyOf(arguments);
    }
}
