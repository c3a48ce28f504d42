package org.classchain.core.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.classchain.Attachment;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/** Command modules with observable behaviour for the dispatcher tests. */
final class TestModules {
    private TestModules() {
    }

    /** A host service a module may look up. */
    interface Desktop {
        String title();
    }

    /** Records every command it runs, in order; reports what it saw of the peer. */
    static final class Recording implements CommandModule {
        final ConcurrentLinkedQueue<UUID> ran = new ConcurrentLinkedQueue<>();

        @Override
        public String name() {
            return "record";
        }

        @Override
        public String apiVersion() {
            return API_VERSION;
        }

        @Override
        public List<ArgumentSpec> arguments() {
            return List.of(ArgumentSpec.optional("text", ArgumentType.STRING, "nothing", "what to say"));
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            ran.add(command.id());
            String desktop = context.service(Desktop.class).map(Desktop::title).orElse("headless");
            return Outcome.executed("said " + argument(command, "text") + " on " + desktop + " at " + context.nodeId()
                    + " for " + context.signedInUsers());
        }
    }

    /** Always throws. */
    static final class Throwing implements CommandModule {
        @Override
        public String name() {
            return "boom";
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            throw new IllegalStateException("kaput");
        }
    }

    /** Reports failure with a reason. */
    static final class Sad implements CommandModule {
        @Override
        public String name() {
            return "sad";
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            return Outcome.failed("no screen here");
        }
    }

    /** Lacks what its command needs on this computer (a display, say). */
    static final class Unavailable implements CommandModule {
        @Override
        public String name() {
            return "headless-only";
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            return Outcome.unavailable("headless: no display to black out");
        }
    }

    /** Succeeds with a small attachment. */
    static final class Snapshot implements CommandModule {
        static final Attachment THUMBNAIL = new Attachment("image/png", "not really a png".getBytes(StandardCharsets.UTF_8));

        @Override
        public String name() {
            return "snapshot";
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            return Outcome.executed("took a snapshot").withAttachment(THUMBNAIL);
        }
    }

    /** Needs a whole number {@code seconds}. */
    static final class Strict implements CommandModule {
        @Override
        public String name() {
            return "blackout";
        }

        @Override
        public List<ArgumentSpec> arguments() {
            return List.of(ArgumentSpec.required("seconds", ArgumentType.INTEGER, "how long"));
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            return Outcome.executed("dark for " + argument(command, "seconds") + "s");
        }
    }

    /** Ignores interrupts and runs for 10 s, or until released; times out after 300 ms. */
    static final class Hanging implements CommandModule {
        final CountDownLatch interrupted = new CountDownLatch(1);
        final ConcurrentLinkedQueue<UUID> started = new ConcurrentLinkedQueue<>();
        final AtomicBoolean release = new AtomicBoolean();

        @Override
        public String name() {
            return "hang";
        }

        @Override
        public Duration timeout() {
            return Duration.ofMillis(300);
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            started.add(command.id());
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!release.get() && System.nanoTime() < end) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    interrupted.countDown(); // and carry on regardless
                }
            }
            return Outcome.executed("finally done");
        }
    }
}
