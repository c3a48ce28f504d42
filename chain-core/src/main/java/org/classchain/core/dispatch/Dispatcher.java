package org.classchain.core.dispatch;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.classchain.Attachment;
import org.classchain.Command;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.exec.Lane;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the commands of the chain on this peer (DESIGN section 4), one at a time in the order
 * submitted, on its own thread {@code classchain-dispatch-<nodeId>} (or a share of the pools of
 * {@link Builder#threads(PeerThreads) shared threads}).
 *
 * <p>For each command: a target that does not match this peer means nothing at all; a command
 * the {@link ExecutionLog} has begun before means nothing at all (it ran, or was decided, before
 * a restart or a reorg); otherwise, in this order, expired by the peer's clock → EXPIRED (judged
 * again just before the module runs, so a command that waited for its module is never run late), no
 * such module → UNKNOWN_MODULE, the local {@link Policy} refuses it → REFUSED, invalid arguments
 * → FAILED, else the module runs on a pool thread ({@code classchain-module-<nodeId>-<n>}, daemon,
 * or one of the shared pool)
 * within its {@link CommandModule#timeout()}: EXECUTED, FAILED or UNAVAILABLE from its outcome, FAILED with
 * the exception when it throws, FAILED when it times out (it is interrupted and the dispatcher
 * moves on; a module that ignores the interrupt keeps only its own pool thread). Every outcome is
 * recorded with {@link ExecutionLog#complete} and handed as a signed receipt to the receipt
 * callback, on the dispatcher's lane.
 *
 * <p>{@link #submit} is thread-safe and never blocks. Commands still queued at {@link #close()}
 * are dropped without being begun, so a restarted peer runs them if it sees them again.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Module pool threads at most; more are only needed while modules hang past their timeout. */
    private static final int MAX_MODULE_THREADS = 16;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** What the module task returns, without running the module, for a command that expired while it waited. */
    private static final Outcome EXPIRED_WHILE_WAITING = Outcome.failed("expired while waiting");

    private final NodeIdentity identity;
    private final Supplier<Role> role;
    private final Supplier<Set<String>> signedInUsers;
    private final ModuleRegistry registry;
    private final Policy policy;
    private final ExecutionLog log;
    private final Clock clock;
    private final Map<Class<?>, Object> services;
    private final ReceiptSigner signer;
    private final BiConsumer<Command, Receipt> receipts;

    private final ConcurrentLinkedQueue<Command> queue = new ConcurrentLinkedQueue<>();
    private final Object idleLock = new Object();
    private long pending; // guarded by idleLock: submitted and not yet finished or dropped
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, Semaphore> moduleLocks = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final boolean ownsPool;
    private final Lane lane;
    private final Runnable wake; // queues a run of the dispatch loop unless one is queued already

    private Dispatcher(Builder b) {
        identity = Objects.requireNonNull(b.identity, "identity");
        role = Objects.requireNonNull(b.role, "role");
        signedInUsers = Objects.requireNonNull(b.signedInUsers, "signedInUsers");
        registry = Objects.requireNonNull(b.registry, "registry");
        policy = Objects.requireNonNull(b.policy, "policy");
        log = Objects.requireNonNull(b.log, "log");
        clock = Objects.requireNonNull(b.clock, "clock");
        signer = b.signer != null ? b.signer : new ReceiptSigner(identity);
        receipts = Objects.requireNonNull(b.receipts, "receipts");
        services = Map.copyOf(b.services);
        String nodeId = identity.nodeId();
        PeerThreads threads = b.threads != null ? b.threads : PeerThreads.dedicated();
        pool = threads.modulePool(nodeId, MAX_MODULE_THREADS);
        ownsPool = !threads.isShared();
        lane = threads.lane("dispatch", nodeId, true);
        wake = lane.coalescing(this::run);
    }

    /**
     * A builder. Required: identity, role, signedInUsers, registry, log, clock, receipts; the
     * policy defaults to allow all, the signer to one of the identity, host services to none.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Queues commands to be dispatched after those queued before, in the given (chain) order.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void submit(List<Command> commandsInChainOrder) {
        List<Command> copy = List.copyOf(commandsInChainOrder);
        synchronized (idleLock) {
            if (closed.get()) {
                throw new IllegalStateException("the dispatcher is closed");
            }
            pending += copy.size();
            queue.addAll(copy);
        }
        if (!copy.isEmpty()) {
            wake.run();
        }
    }

    /**
     * Waits until every command submitted so far has been dispatched and its receipt handed on.
     *
     * @return true when idle, false when {@code timeout} passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idleLock) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idleLock, left);
            }
            return true;
        }
    }

    /**
     * Stops taking commands, lets the one in hand finish for a short grace, then interrupts it and
     * the module threads. Idempotent.
     */
    @Override
    public void close() {
        synchronized (idleLock) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
        }
        lane.close(); // the command in hand gets its grace, then an interrupt that cancels its module
        if (ownsPool) {
            try {
                pool.shutdown();
                if (!pool.awaitTermination(100, TimeUnit.MILLISECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        synchronized (idleLock) {
            queue.clear();
            pending = 0;
            idleLock.notifyAll();
        }
    }

    /**
     * What is wrong with {@code command} before it is mined: the problems of its arguments
     * against its module's. A module this peer does not have is no problem (the students may
     * have mods the teacher lacks).
     */
    public static List<String> problems(Command command, ModuleRegistry registry) {
        return registry.entry(command.module()).map(e -> ArgumentSpec.problems(e.arguments(), command.args()))
                .orElse(List.of());
    }

    /** Dispatches the queued commands until none is left. */
    private void run() {
        while (!closed.get()) {
            Command command = queue.poll();
            if (command == null) {
                break;
            }
            try {
                dispatch(command);
            } catch (RuntimeException e) {
                LOG.error("dispatching command {} ({}) failed", command.id(), command.module(), e);
            } finally {
                synchronized (idleLock) {
                    pending = Math.max(0, pending - 1);
                    idleLock.notifyAll();
                }
            }
        }
    }

    private void dispatch(Command command) {
        Set<String> users = Set.copyOf(signedInUsers.get());
        if (!command.target().matches(identity.nodeId(), role.get(), users)) {
            LOG.debug("command {} ({}) is not for this peer", command.id(), command.module());
            return;
        }
        boolean first;
        try {
            first = log.begin(command.id());
        } catch (IOException e) {
            LOG.error("the execution journal cannot record command {}; not running it", command.id(), e);
            emit(command, new Result(ReceiptStatus.FAILED,
                    "not run: the execution journal could not record it (" + e.getMessage() + ")", null));
            return;
        }
        if (!first) {
            LOG.debug("command {} ({}) was handled before", command.id(), command.module());
            return;
        }
        Result result;
        try {
            result = decide(command, users);
        } catch (RuntimeException e) {
            LOG.error("command {} ({}) failed in the dispatcher", command.id(), command.module(), e);
            result = new Result(ReceiptStatus.FAILED, "internal error: " + e, null);
        }
        try {
            log.complete(command.id(), result.status());
        } catch (IOException e) {
            LOG.warn("the execution journal cannot record the outcome of command {}", command.id(), e);
        }
        emit(command, result);
    }

    private Result decide(Command command, Set<String> users) {
        Instant now = clock.instant();
        if (command.isExpiredAt(now)) {
            return new Result(ReceiptStatus.EXPIRED,
                    "expired at " + command.notAfter() + " before this peer saw it (its clock said " + now + ")", null);
        }
        Optional<ModuleRegistry.Entry> found = registry.entry(command.module());
        if (found.isEmpty()) {
            return new Result(ReceiptStatus.UNKNOWN_MODULE, "this peer has no module '" + command.module() + "'", null);
        }
        if (!policy.permits(command.module())) {
            return new Result(ReceiptStatus.REFUSED,
                    "this peer's policy refuses module '" + command.module() + "'", null);
        }
        ModuleRegistry.Entry entry = found.get();
        List<String> problems = ArgumentSpec.problems(entry.arguments(), command.args());
        if (!problems.isEmpty()) {
            return new Result(ReceiptStatus.FAILED, "invalid arguments: " + String.join("; ", problems), null);
        }
        return execute(entry, command, users);
    }

    private Result execute(ModuleRegistry.Entry entry, Command command, Set<String> users) {
        ModuleContext context = new Context(identity.nodeId(), users, clock, services);
        Semaphore lock = moduleLocks.computeIfAbsent(entry.name(), n -> new Semaphore(1));
        AtomicBoolean started = new AtomicBoolean();
        Future<Outcome> future;
        try {
            future = pool.submit(() -> {
                lock.acquire(); // one command at a time per module, even past a timeout
                try {
                    if (command.isExpiredAt(clock.instant())) {
                        // it expired while it waited for the module (an earlier command of it still running)
                        return EXPIRED_WHILE_WAITING;
                    }
                    started.set(true);
                    return entry.module().execute(context, command);
                } finally {
                    lock.release();
                }
            });
        } catch (RejectedExecutionException e) {
            return new Result(ReceiptStatus.FAILED, "not run: every module thread is busy with modules that time out", null);
        }
        Duration timeout = entry.timeout();
        try {
            Outcome outcome = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (outcome == EXPIRED_WHILE_WAITING) {
                return new Result(ReceiptStatus.EXPIRED, "expired at " + command.notAfter() + " while it waited for "
                        + "an earlier command of '" + entry.name() + "' to finish; not run", null);
            }
            return result(outcome);
        } catch (TimeoutException e) {
            if (!future.cancel(true) && future.isDone() && !future.isCancelled()) {
                return finished(future); // it finished just now
            }
            LOG.warn("module '{}' timed out after {} on command {}", entry.name(), timeout, command.id());
            return new Result(ReceiptStatus.FAILED, "timed out after " + seconds(timeout)
                    + (started.get() ? "" : " waiting for an earlier command of '" + entry.name() + "' that still runs"),
                    null);
        } catch (ExecutionException e) {
            return thrown(e.getCause());
        } catch (CancellationException e) {
            return new Result(ReceiptStatus.FAILED, "cancelled", null);
        } catch (InterruptedException e) {
            // Only close() interrupts this lane; the loop stops on the closed flag. The flag is not
            // restored so that the journal's file I/O for this command is not aborted.
            future.cancel(true);
            return new Result(ReceiptStatus.FAILED, "interrupted: the peer shut down while it ran", null);
        }
    }

    private static Result finished(Future<Outcome> done) {
        try {
            Outcome outcome = done.get();
            if (outcome == EXPIRED_WHILE_WAITING) {
                return new Result(ReceiptStatus.EXPIRED, "expired while it waited for its module; not run", null);
            }
            return result(outcome);
        } catch (ExecutionException e) {
            return thrown(e.getCause());
        } catch (InterruptedException | CancellationException e) {
            return new Result(ReceiptStatus.FAILED, "cancelled", null);
        }
    }

    private static Result result(Outcome outcome) {
        if (outcome == null) {
            return new Result(ReceiptStatus.FAILED, "the module returned no outcome", null);
        }
        ReceiptStatus status = outcome.success() ? ReceiptStatus.EXECUTED
                : outcome.unavailable() ? ReceiptStatus.UNAVAILABLE : ReceiptStatus.FAILED;
        return new Result(status, outcome.detail(), outcome.attachment());
    }

    private static Result thrown(Throwable t) {
        String detail = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return new Result(ReceiptStatus.FAILED, detail, null);
    }

    private void emit(Command command, Result result) {
        Receipt receipt = signer.sign(command.id(), result.status(), result.detail(), clock.instant(), result.attachment());
        LOG.info("command {} ({}): {}", command.id(), command.module(), result.status());
        try {
            receipts.accept(command, receipt);
        } catch (RuntimeException e) {
            LOG.warn("the receipt callback failed for command {}", command.id(), e);
        }
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
    }

    private record Result(ReceiptStatus status, String detail, Attachment attachment) {
    }

    /** What a module sees of this peer for one command. */
    private record Context(String nodeId, Set<String> signedInUsers, Clock clock, Map<Class<?>, Object> services)
            implements ModuleContext {
        @Override
        public <T> Optional<T> service(Class<T> type) {
            return Optional.ofNullable(services.get(type)).map(type::cast);
        }
    }

    /** Collects a dispatcher's settings. Not thread-safe. */
    public static final class Builder {
        private NodeIdentity identity;
        private Supplier<Role> role;
        private Supplier<Set<String>> signedInUsers;
        private ModuleRegistry registry;
        private Policy policy = Policy.allowAll();
        private ExecutionLog log;
        private Clock clock;
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();
        private ReceiptSigner signer;
        private BiConsumer<Command, Receipt> receipts;
        private PeerThreads threads;

        private Builder() {
        }

        /** The peer's node key: its node id is what {@code peer:} targets match. */
        public Builder identity(NodeIdentity nodeIdentity) {
            this.identity = nodeIdentity;
            return this;
        }

        /** The peer's current role, asked for each command. */
        public Builder role(Supplier<Role> currentRole) {
            this.role = currentRole;
            return this;
        }

        /** The users signed in at this peer now, asked for each command. */
        public Builder signedInUsers(Supplier<Set<String>> users) {
            this.signedInUsers = users;
            return this;
        }

        /** The modules; closed by its owner after the dispatcher. */
        public Builder registry(ModuleRegistry modules) {
            this.registry = modules;
            return this;
        }

        /** The local policy; allow all when not set. */
        public Builder policy(Policy localPolicy) {
            this.policy = localPolicy;
            return this;
        }

        /** The journal that keeps each command to at most one run. */
        public Builder log(ExecutionLog journal) {
            this.log = journal;
            return this;
        }

        /** The peer's clock: expiry, receipt times, and the modules' clock. */
        public Builder clock(Clock peerClock) {
            this.clock = peerClock;
            return this;
        }

        /** A host service modules find with {@link ModuleContext#service(Class)}. */
        public <T> Builder service(Class<T> type, T implementation) {
            services.put(Objects.requireNonNull(type, "type"), type.cast(Objects.requireNonNull(implementation, "implementation")));
            return this;
        }

        /** Signs the receipts; must hold the same identity. Default: a signer of the identity. */
        public Builder signer(ReceiptSigner receiptSigner) {
            this.signer = receiptSigner;
            return this;
        }

        /**
         * Where each receipt goes, with its command, on the dispatcher thread: must return quickly;
         * what it throws is logged and otherwise ignored.
         */
        public Builder receipts(BiConsumer<Command, Receipt> callback) {
            this.receipts = callback;
            return this;
        }

        /** The threads to run on; default: {@link PeerThreads#dedicated() its own}. */
        public Builder threads(PeerThreads peerThreads) {
            this.threads = peerThreads;
            return this;
        }

        /**
         * A started dispatcher.
         *
         * @throws NullPointerException naming a required setting that is missing
         */
        public Dispatcher build() {
            return new Dispatcher(this);
        }
    }
}
