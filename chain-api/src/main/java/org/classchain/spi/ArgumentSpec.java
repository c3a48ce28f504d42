package org.classchain.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One argument a module takes: checked before a command is mined, and drawn as a form field by
 * the console.
 *
 * @param name the argument's name, as in {@code --arg name=value}
 * @param type how the value is checked
 * @param required whether a command must give it
 * @param defaultValue the value used when it is not given, or null
 * @param description one line for people
 */
public record ArgumentSpec(String name, ArgumentType type, boolean required, String defaultValue, String description) {

    /**
     * Checks the name and type.
     *
     * @param name never null
     * @param type never null
     * @param required whether a command must give it
     * @param defaultValue or null
     * @param description null becomes empty
     */
    public ArgumentSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
    }

    /**
     * {@return a required argument}
     *
     * @param name the argument's name
     * @param type how the value is checked
     * @param description one line for people
     */
    public static ArgumentSpec required(String name, ArgumentType type, String description) {
        return new ArgumentSpec(name, type, true, null, description);
    }

    /**
     * {@return an optional argument}
     *
     * @param name the argument's name
     * @param type how the value is checked
     * @param defaultValue the value used when it is not given, or null for none
     * @param description one line for people
     */
    public static ArgumentSpec optional(String name, ArgumentType type, String defaultValue, String description) {
        return new ArgumentSpec(name, type, false, defaultValue, description);
    }

    /**
     * Every problem with {@code args} against {@code specs}: missing required arguments, values
     * of the wrong type and arguments the module does not take. Empty when the arguments are fine.
     *
     * @param specs what the module takes
     * @param args what a command gives
     * @return one line per problem, for people
     */
    public static List<String> problems(List<ArgumentSpec> specs, Map<String, String> args) {
        List<String> problems = new ArrayList<>();
        Set<String> known = specs.stream().map(ArgumentSpec::name).collect(Collectors.toSet());
        for (String given : args.keySet()) {
            if (!known.contains(given)) {
                problems.add("unknown argument '" + given + "' (takes: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        for (ArgumentSpec spec : specs) {
            String value = args.get(spec.name());
            if (value == null) {
                if (spec.required()) {
                    problems.add("missing argument '" + spec.name() + "' (" + spec.description() + ")");
                }
                continue;
            }
            spec.type().problemWith(value).ifPresent(p -> problems.add("argument '" + spec.name() + "' " + p));
        }
        return problems;
    }
}
