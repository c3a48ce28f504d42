package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.classchain.Command;
import org.classchain.mods.host.SystemPower;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.ReceiptDelivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 9: {@code power} checks the rights first (UNAVAILABLE naming what is missing,
 * nothing run), and with them runs the configured command only once its receipt has left. Real
 * processes: a script that records its arguments stands in for systemctl and loginctl.
 */
class PowerModuleTest {

    /** A delivery the test completes by hand: what the peer's receipt courier does when the teacher took the receipt. */
    static final class HeldDelivery implements ReceiptDelivery {
        final List<UUID> ids = new ArrayList<>();
        final List<Consumer<Boolean>> actions = new ArrayList<>();

        @Override
        public void afterDelivery(UUID commandId, Duration after, Duration atMost, Consumer<Boolean> action) {
            ids.add(commandId);
            actions.add(action);
        }
    }

    static Path script(Path dir, String name, int exit, String says) throws Exception {
        Path s = dir.resolve(name);
        Files.writeString(s, "#!/bin/sh\necho \"$@\" >> '" + dir.resolve(name + ".log") + "'\n"
                + (says.isEmpty() ? "" : "echo '" + says + "'\n") + "exit " + exit + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    @Test
    void withTheRightsTheCommandRunsOnlyOnceTheReceiptLeft(@TempDir Path tmp) throws Exception {
        Path reboot = script(tmp, "reboot", 0, "");
        Path check = script(tmp, "check", 0, "");
        HeldDelivery delivery = new HeldDelivery();
        RecordingNotices notices = new RecordingNotices();
        TestContext ctx = new TestContext().with(ReceiptDelivery.class, delivery)
                .with(org.classchain.spi.host.NoticeService.class, notices)
                .with(SystemPower.class, new SystemPower(Map.of(SystemPower.Action.REBOOT, reboot + " now"),
                        check + " {polkit-action}"));
        Command c = TestContext.command("power", Map.of("action", "reboot", "delay", "0", "message", "Bye"));
        Outcome o = new PowerModule().execute(ctx, c);

        assertThat(o.success()).as(o.detail()).isTrue();
        assertThat(o.detail()).contains("restart in 0 s once this receipt has reached the teacher").contains(reboot + " now");
        assertThat(Files.readString(tmp.resolve("check.log"))).contains("org.freedesktop.login1.reboot-multiple-sessions");
        assertThat(tmp.resolve("reboot.log")).as("not run before the receipt left").doesNotExist();
        assertThat(delivery.ids).containsExactly(c.id());
        assertThat(String.join("\n", notices.notices)).contains("Restarting").contains("restart this computer in 0 s").contains("Bye");

        delivery.actions.get(0).accept(true);
        assertThat(Files.readString(tmp.resolve("reboot.log"))).isEqualTo("now\n");
    }

    @Test
    void withoutTheRightsNothingRunsAndTheReceiptSaysWhatIsMissing(@TempDir Path tmp) throws Exception {
        Path shutdown = script(tmp, "shutdown", 0, "");
        Path check = script(tmp, "check", 1, "Not authorized.");
        HeldDelivery delivery = new HeldDelivery();
        TestContext ctx = new TestContext().with(ReceiptDelivery.class, delivery)
                .with(SystemPower.class, new SystemPower(Map.of(SystemPower.Action.SHUTDOWN, shutdown.toString()),
                        check.toString()));
        Outcome o = new PowerModule().execute(ctx, TestContext.command("power", Map.of("action", "shutdown")));

        assertThat(o.unavailable()).as(o.detail()).isTrue();
        assertThat(o.detail()).contains("cannot shut down").contains("org.freedesktop.login1.power-off-multiple-sessions")
                .contains("Not authorized.").contains(SystemPower.POLKIT_RULE);
        assertThat(delivery.ids).isEmpty();
        assertThat(tmp.resolve("shutdown.log")).doesNotExist();
    }

    @Test
    void aMissingProgramOrCheckIsUnavailableAndABadActionFails(@TempDir Path tmp) throws Exception {
        TestContext ctx = new TestContext().with(ReceiptDelivery.class, new HeldDelivery())
                .with(SystemPower.class, new SystemPower(Map.of(SystemPower.Action.LOGOFF, "no-such-loginctl-xyz x"), ""));
        Outcome o = new PowerModule().execute(ctx, TestContext.command("power", Map.of("action", "logoff")));
        assertThat(o.unavailable()).isTrue();
        assertThat(o.detail()).contains("'no-such-loginctl-xyz' is not installed");

        Path logoff = script(tmp, "logoff", 0, "");
        ctx = new TestContext().with(ReceiptDelivery.class, new HeldDelivery())
                .with(SystemPower.class, new SystemPower(Map.of(SystemPower.Action.LOGOFF, logoff.toString()),
                        tmp.resolve("no-such-pkcheck") + " --process {pid}"));
        o = new PowerModule().execute(ctx, TestContext.command("power", Map.of("action", "logoff")));
        assertThat(o.unavailable()).isTrue();
        assertThat(o.detail()).contains("the rights check").contains("could not run");

        o = new PowerModule().execute(ctx, TestContext.command("power", Map.of("action", "hibernate")));
        assertThat(o.success() || o.unavailable()).isFalse();
        assertThat(o.detail()).contains("'hibernate' is not a power action");
        o = new PowerModule().execute(ctx, TestContext.command("power", Map.of("action", "reboot", "delay", "-1")));
        assertThat(o.detail()).contains("'delay' must be between 0 and 3600");
    }

    @Test
    void aCommandThatFailsAfterItsReceiptLeavesANoticeOnTheComputer(@TempDir Path tmp) throws Exception {
        Path shutdown = script(tmp, "shutdown", 3, "Failed to power off: Access denied");
        HeldDelivery delivery = new HeldDelivery();
        RecordingNotices notices = new RecordingNotices();
        TestContext ctx = new TestContext().with(ReceiptDelivery.class, delivery)
                .with(org.classchain.spi.host.NoticeService.class, notices)
                .with(SystemPower.class, new SystemPower(Map.of(SystemPower.Action.SHUTDOWN, shutdown.toString()), ""));
        Outcome o = new PowerModule().execute(ctx, TestContext.command("power", Map.of("action", "shutdown")));
        assertThat(o.success()).as(o.detail()).isTrue();
        assertThat(o.detail()).contains("shut down in 10 s");

        delivery.actions.get(0).accept(true);
        assertThat(notices.notices).anyMatch(n -> n.startsWith("Power|could not shut down")
                && n.contains("exit 3") && n.contains("Access denied"));
    }

    @Test
    void theDefaultsAreSystemdsAndPolkits() {
        SystemPower d = SystemPower.defaults();
        assertThat(d.commandLine(SystemPower.Action.REBOOT)).isEqualTo("systemctl reboot");
        assertThat(d.commandLine(SystemPower.Action.SHUTDOWN)).isEqualTo("systemctl poweroff");
        assertThat(d.commandLine(SystemPower.Action.LOGOFF)).isEqualTo("loginctl terminate-seat seat0");
    }
}
