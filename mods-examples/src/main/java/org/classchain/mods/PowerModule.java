package org.classchain.mods;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.classchain.Command;
import org.classchain.mods.host.SystemPower;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;
import org.classchain.spi.host.ReceiptDelivery;

/**
 * {@code power}: log off ({@code action=logoff}), shut down ({@code shutdown}) or restart
 * ({@code reboot}) the computer, through the system service's rights ({@link SystemPower}: systemd's
 * commands, allowed to the service's user by the package's polkit rule). The rights are checked
 * first: without them the receipt is UNAVAILABLE and says what is missing. With them the teacher's
 * message is shown (as a notice without a display), the receipt says EXECUTED, and the action runs
 * {@code delay} seconds after that receipt has been taken by the teacher's peer
 * ({@link ReceiptDelivery}), so that it is never lost with the computer going down; if the teacher's
 * peer cannot be reached, {@value #MAX_WAIT_SECONDS} s after the command ran.
 */
public final class PowerModule implements CommandModule {

    /** The longest delay a command may ask for, an hour. */
    static final long MAX_DELAY = 3_600;
    /** How long the action waits for its receipt to reach the teacher before it runs anyway. */
    static final long MAX_WAIT_SECONDS = 120;
    static final int MAX_MESSAGE = 500;

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public PowerModule() {
    }

    @Override
    public String name() {
        return "power";
    }

    @Override
    public String description() {
        return "Log off, shut down or restart the students' computers (through the ClassChain system service)";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.required("action", ArgumentType.STRING, "logoff, shutdown or reboot"),
                ArgumentSpec.optional("delay", ArgumentType.INTEGER, "10",
                        "seconds between the receipt reaching the teacher and the action, 0 to " + MAX_DELAY),
                ArgumentSpec.optional("message", ArgumentType.STRING, null,
                        "what the students read first (default: what is about to happen and when)"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) throws InterruptedException {
        SystemPower.Action action;
        long delay;
        String message = argument(command, "message");
        try {
            action = SystemPower.Action.of(argument(command, "action"));
        } catch (IllegalArgumentException e) {
            return Outcome.failed(e.getMessage());
        }
        try {
            delay = Arguments.integer("delay", argument(command, "delay"), 0, MAX_DELAY);
            if (message != null) {
                Arguments.text("message", message, MAX_MESSAGE);
            }
        } catch (Arguments.Invalid e) {
            return Outcome.failed(e.getMessage());
        }
        Optional<ReceiptDelivery> delivery = context.service(ReceiptDelivery.class);
        if (delivery.isEmpty()) {
            return Outcome.unavailable("cannot " + action.verb() + ": this peer cannot tell when its receipt has "
                    + "left, and would go down before the teacher hears of it");
        }
        SystemPower power = context.service(SystemPower.class).orElseGet(SystemPower::defaults);
        Optional<String> missing = power.missing(action);
        if (missing.isPresent()) {
            return Outcome.unavailable(missing.get());
        }
        String title = switch (action) {
            case LOGOFF -> "Logging off";
            case SHUTDOWN -> "Shutting down";
            case REBOOT -> "Restarting";
        };
        String text = "The teacher will " + action.verb() + " this computer in " + delay + " s: save your work."
                + (message == null || message.isBlank() ? "" : " " + message.strip());
        String shown = show(context, title, text, delay);
        delivery.get().afterDelivery(command.id(), Duration.ofSeconds(delay), Duration.ofSeconds(MAX_WAIT_SECONDS),
                taken -> act(context, power, action, command));
        return Outcome.executed(action.verb() + " in " + delay + " s once this receipt has reached the teacher ("
                + power.commandLine(action) + "); " + shown);
    }

    /** Shows the students what is about to happen: on the screens, else as a notice. */
    private static String shown(DesktopService desktop) {
        return HeadlessNotice.withIncidents(desktop, "the message shown");
    }

    private static String show(ModuleContext context, String title, String text, long delay) {
        Optional<DesktopService> desktop = context.service(DesktopService.class).filter(DesktopService::hasDisplay);
        if (desktop.isPresent()) {
            try {
                desktop.get().showMessage(title, text, Duration.ofSeconds(Math.max(delay, 10)));
                return shown(desktop.get());
            } catch (RuntimeException e) {
                HeadlessNotice.post(context, title, text);
                return "the message could not be shown (" + e.getMessage() + "), written as a notice";
            }
        }
        HeadlessNotice.post(context, title, text);
        return "no display: the message written as a notice";
    }

    private static void act(ModuleContext context, SystemPower power, SystemPower.Action action, Command command) {
        String what = action.verb() + " (" + power.commandLine(action) + ") for command " + command.id();
        try {
            SystemPower.Result r = power.run(action);
            if (!r.ok()) {
                HeadlessNotice.post(context, "Power", "could not " + what + ": exit " + r.exitCode() + " "
                        + r.output().strip());
            }
        } catch (java.io.IOException e) {
            HeadlessNotice.post(context, "Power", "could not " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
