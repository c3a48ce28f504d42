package org.classchain.core.peer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.PeerInfo;
import org.classchain.Role;
import org.classchain.core.auth.AccountHost;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.chain.ChainState;
import org.classchain.core.identity.Ed25519Signatures;
import org.classchain.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account records a host of the teacher's account grants on its own authority (DESIGN section
 * 5): the STUDENT accounts students' peers register, and backup hosts of them (batched for
 * {@link #COLLECT}, one student account per computer unless the teacher allows more, names that
 * look like taken ones refused, a few a minute per computer and per address); the devices the
 * teacher enrolls; and the names the teacher frees or renames, checked before they are granted.
 *
 * <p>The rule it keeps: the TEACHER's credential is hosted only by the computer that created it
 * and by devices the teacher enrolls from a signed-in session; signing in somewhere changes
 * nothing but the roster. This computer's own account is {@link OwnAccount}'s, backups'
 * credentials {@link BackupHosts}'. Thread-safe.
 */
final class Accounts {

    /** How long a teacher's host collects registrations before it grants them as one block. */
    static final Duration COLLECT = Duration.ofSeconds(1);
    /** Registrations a computer (node key) or an address may have recorded at once, and the refill period of one. */
    static final int BURST = 3;
    static final Duration REFILL = Duration.ofSeconds(20);

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    private final PeerConfig config;
    private final ChainState chain;
    private final AccountHost accountHost;
    private final BlockProducer producer;
    private final PeerDirectory directory;
    private final Clock clock;
    private final String nodeId;
    private final String name;

    /** Registrations waiting for the next batch, by username; guarded by this. */
    private final Map<String, Account> pending = new LinkedHashMap<>();
    private long pendingSince; // guarded by this
    private final BoundedCache<String, Boolean> recorded = BoundedCache.expiringAfterWrite(10_000, Duration.ofMinutes(2));
    private final BoundedCache<String, double[]> allowances =
            BoundedCache.expiringAfterAccess(10_000, Duration.ofMinutes(10));

    Accounts(PeerConfig config, String nodeId, ChainState chain, AccountHost accountHost, BlockProducer producer,
             PeerDirectory directory, String name) {
        this.config = config;
        this.nodeId = nodeId;
        this.chain = chain;
        this.accountHost = accountHost;
        this.producer = producer;
        this.directory = directory;
        this.clock = config.clock;
        this.name = name;
    }

    private Account teacherAccount() {
        return chain.teacherAccount();
    }

    /** Whether this peer can grant in the teacher's name: a host on the chain that holds the credential. */
    private boolean canGrant(Account teacher) {
        return teacher.isHostedBy(nodeId) && accountHost.hosts(teacher.username());
    }

    // ------------------------------------------------------------------ registrations, at the teacher's host

    /**
     * Records a STUDENT account, or a backup host of one, in the next batch. A new account must be
     * signed by the key that will host it, that key may hold no other student account (unless the
     * teacher allows more), and its name may not look like a taken one; a backup must be signed by
     * a key that already hosts the account. Each computer and each address has a few a minute.
     *
     * @param from the caller's address, as the transport knows it
     */
    Message onRegister(Message.RegisterAccount r, String from) {
        Account teacher = teacherAccount();
        if (!canGrant(teacher)) {
            return Message.Rejected.of(503, "this peer does not host the teacher's account");
        }
        if (!Account.isValidUsername(r.username())) {
            return Message.Rejected.of(400, "a username is 1-64 letters, digits, '.', '_' or '-'");
        }
        byte[] signed = SigningBytes.registration(chain.chainId(), r.username(), r.hostKey());
        String hostId = r.hostKey().nodeId();
        if (chain.accounts().get(r.username()) == null && recorded.get(r.username() + "/" + hostId) != null) {
            return new Message.Ack("being recorded"); // granted, being mined
        }
        synchronized (this) {
            Account existing = pending.getOrDefault(r.username(), chain.accounts().get(r.username()));
            Account record;
            if (existing == null || existing.isRetired()) {
                if (!Ed25519Signatures.verify(r.hostKey(), signed, r.signature())) {
                    return Message.Rejected.of(401, "the registration is not signed by the key it names");
                }
                Message refused = refuseNewAccount(r.username(), r.hostKey(), existing != null);
                if (refused != null) {
                    return refused;
                }
                record = new Account(r.username(), Role.STUDENT, List.of(r.hostKey()));
            } else if (existing.isHostedBy(hostId)) {
                return new Message.Ack("already recorded");
            } else if (existing.role() == Role.STUDENT && existing.hostKeys().stream().anyMatch(
                    k -> Ed25519Signatures.verify(k, signed, r.signature()))) {
                if (existing.hostKeys().size() >= 1 + config.backups) {
                    return Message.Rejected.of(409, "'" + r.username() + "' has all the backup hosts it may have");
                }
                if (hostsTeacher(r.hostKey())) {
                    return Message.Rejected.of(409, "a host of the teacher's account is no backup of a student's");
                }
                List<NodeKey> keys = new ArrayList<>(existing.hostKeys());
                keys.add(r.hostKey());
                record = new Account(r.username(), Role.STUDENT, keys);
            } else {
                return Message.Rejected.of(409, "the name '" + r.username() + "' is taken");
            }
            Optional<Long> wait = take(from, hostId);
            if (wait.isPresent()) {
                return new Message.Rejected(429, "too many registrations from this computer; wait " + wait.get() + " s",
                        wait.get());
            }
            if (pending.isEmpty()) {
                pendingSince = clock.millis();
            }
            pending.put(r.username(), record);
        }
        recorded.put(r.username() + "/" + hostId, Boolean.TRUE);
        LOG.info("peer {}: recording STUDENT account '{}' hosted at {} in the next batch", name, r.username(),
                hostId);
        return new Message.Ack("recording " + r.username());
    }

    /** Why {@code key} may not take the new name {@code username}, or null. Holds this. */
    private Message refuseNewAccount(String username, NodeKey key, boolean wasFreed) {
        if (Names.looksLikeTheTeacher(username, teacherAccount().username())) {
            return Message.Rejected.of(409, "the name '" + username + "' looks like the teacher's");
        }
        Optional<String> taken = Names.lookalike(username, accountsNow(), Set.of(username));
        if (taken.isPresent()) {
            return Message.Rejected.of(409, "the name '" + username + "' looks like the taken name '" + taken.get() + "'");
        }
        if (hostsTeacher(key)) {
            return Message.Rejected.of(409, "a host of the teacher's account holds no student account");
        }
        List<String> held = accountsNow().stream().filter(a -> !a.isRetired() && a.role() == Role.STUDENT
                && a.hostKeys().get(0).equals(key)).map(Account::username).toList();
        if (held.size() >= config.accountsPerComputer) {
            return Message.Rejected.of(409, "this computer already holds the account" + (held.size() == 1 ? " '"
                    + held.get(0) + "'" : "s " + held) + "; a computer holds " + config.accountsPerComputer
                    + " student account(s) unless the teacher allows more");
        }
        if (wasFreed && freedFrom(username).contains(key)) {
            return Message.Rejected.of(409, "the teacher freed the name '" + username + "' from this computer");
        }
        return null;
    }

    private boolean hostsTeacher(NodeKey key) {
        return teacherAccount().hostKeys().contains(key);
    }

    /** The accounts of the chain with the pending ones over them. Holds this. */
    private List<Account> accountsNow() {
        Map<String, Account> all = new LinkedHashMap<>(chain.accounts());
        all.putAll(pending);
        return List.copyOf(all.values());
    }

    /** The keys that hosted {@code username} when the teacher freed (or renamed) it, on the best chain. */
    private Set<NodeKey> freedFrom(String username) {
        Set<NodeKey> freed = new HashSet<>();
        List<NodeKey> last = List.of();
        for (Block b : chain.range(1, Integer.MAX_VALUE)) {
            for (Account a : b.payload().accounts()) {
                if (!a.username().equals(username)) {
                    continue;
                }
                if (a.isRetired()) {
                    freed.addAll(last);
                }
                last = a.hostKeys();
            }
        }
        return freed;
    }

    /**
     * Takes one registration from the allowances of the computer ({@code hostId}) and of the address
     * ({@code from}, except the default loopback address, which every peer of one machine shares);
     * the seconds to wait when either is spent.
     */
    private Optional<Long> take(String from, String hostId) {
        List<String> keys = new ArrayList<>(List.of("key:" + hostId));
        if (from != null && !from.equals("127.0.0.1") && !from.equals("::1") && !from.equals("0:0:0:0:0:0:0:1")) {
            keys.add("address:" + from);
        }
        long now = clock.millis();
        long wait = 0;
        List<double[]> buckets = new ArrayList<>();
        for (String k : keys) {
            double[] b = allowances.computeIfAbsent(k, x -> new double[] {BURST, now});
            b[0] = Math.min(BURST, b[0] + (now - (long) b[1]) / (double) REFILL.toMillis());
            b[1] = now;
            if (b[0] < 1) {
                wait = Math.max(wait, (long) Math.ceil((1 - b[0]) * REFILL.toSeconds()));
            }
            buckets.add(b);
        }
        if (wait > 0) {
            return Optional.of(wait);
        }
        buckets.forEach(b -> b[0] -= 1);
        return Optional.empty();
    }

    /**
     * Grants the registrations collected for {@link #COLLECT} as one block of account records
     * (a teacher's host calls this every tick).
     */
    void flush() {
        List<Account> batch;
        synchronized (this) {
            if (pending.isEmpty() || clock.millis() - pendingSince < COLLECT.toMillis()) {
                return;
            }
            batch = new ArrayList<>(pending.values()).subList(0, Math.min(pending.size(),
                    AccountHost.MAX_BATCH_ACCOUNTS));
            batch = List.copyOf(batch);
            batch.forEach(a -> pending.remove(a.username()));
            pendingSince = clock.millis();
        }
        Account teacher = teacherAccount();
        if (!canGrant(teacher)) {
            LOG.warn("peer {}: no longer grants for the teacher; {} registration(s) dropped (their peers ask again)",
                    name, batch.size());
            return;
        }
        producer.enqueue(new Payload(List.of(), batch, accountHost.grantOwnBatch(teacher.username(), batch), null));
        LOG.info("peer {}: {} account record(s) granted in one batch: {}", name, batch.size(),
                batch.stream().map(Account::username).toList());
    }

    // ------------------------------------------------------------------ the teacher's own requests

    /**
     * Whether a TEACHER session's batch of account records may be granted: each frees a student's
     * name (a retired record) or renames one (a new name with the keys of an account freed in the
     * same batch); nothing else, and never a TEACHER account (devices are enrolled instead).
     * Refusals are 400, 404 or 403 (a name taken or that looks like one; not 409, which a relay
     * reads as a loop).
     *
     * @return the refusal, or empty
     */
    Optional<Message.Rejected> checkTeacherUpdates(List<Account> updates) {
        Map<String, Account> now = chain.accounts();
        Map<List<NodeKey>, String> freed = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (Account a : updates) {
            if (!names.add(a.username())) {
                return Optional.of(Message.Rejected.of(400, "account '" + a.username() + "' appears twice"));
            }
            if (a.role() != Role.STUDENT || a.username().equals(teacherAccount().username())) {
                return Optional.of(Message.Rejected.of(400, "a batch changes no TEACHER account; enroll a device with "
                        + "'classchain enroll' instead"));
            }
            if (a.isRetired()) {
                Account old = now.get(a.username());
                if (old == null || old.isRetired()) {
                    return Optional.of(Message.Rejected.of(404, "no account '" + a.username() + "' to free"));
                }
                freed.put(old.hostKeys(), a.username());
            }
        }
        for (Account a : updates) {
            if (a.isRetired()) {
                continue;
            }
            Account old = now.get(a.username());
            if (old != null && !old.isRetired()) {
                return Optional.of(Message.Rejected.of(403, "the name '" + a.username() + "' is taken"));
            }
            if (!freed.containsKey(a.hostKeys())) {
                return Optional.of(Message.Rejected.of(400, "a teacher frees or renames accounts: the new name '"
                        + a.username() + "' must take the hosts of an account freed in the same batch"));
            }
            if (Names.looksLikeTheTeacher(a.username(), teacherAccount().username())) {
                return Optional.of(Message.Rejected.of(403, "the name '" + a.username() + "' looks like the teacher's"));
            }
            Optional<String> taken = Names.lookalike(a.username(), now.values(), names);
            if (taken.isPresent()) {
                return Optional.of(Message.Rejected.of(403, "the name '" + a.username() + "' looks like the taken name '"
                        + taken.get() + "'"));
            }
        }
        return Optional.empty();
    }

    /**
     * Enrolls a device as a host of the teacher's account, after a TEACHER session's MAC on the
     * request was checked. The device may not host or have hosted a student account, nor have a
     * student signed in there by the roster, and the account has at most {@code backups}
     * enrolled devices; else 403 (not 409, which a relay reads as a loop). Its key is recorded on
     * the chain by a batch this host authorizes; the device then fetches the credential, encrypted
     * to it.
     */
    Message enroll(String teacherName, NodeKey device) {
        Account teacher = teacherAccount();
        if (!teacher.username().equals(teacherName) || !canGrant(teacher)) {
            return Message.Rejected.of(503, "this peer does not host the teacher's account");
        }
        if (teacher.hostKeys().contains(device)) {
            return new Message.Ack("already a host of '" + teacherName + "'");
        }
        for (Account a : chain.accounts().values()) {
            if (a.role() == Role.STUDENT && a.hostKeys().contains(device)) {
                return Message.Rejected.of(403, "node " + device.nodeId() + " hosts the student account '" + a.username()
                        + "': a student's computer never hosts the teacher's credential");
            }
        }
        synchronized (this) {
            for (Account a : pending.values()) {
                if (a.hostKeys().contains(device)) {
                    return Message.Rejected.of(403, "node " + device.nodeId() + " is registering the student account '"
                            + a.username() + "'");
                }
            }
        }
        for (PeerInfo p : directory.infos()) {
            if (device.nodeId().equals(p.nodeId())) {
                for (String user : p.users()) {
                    Account a = chain.accounts().get(user);
                    if (a != null && a.role() == Role.STUDENT) {
                        return Message.Rejected.of(403, "the student '" + user + "' is signed in at node "
                                + device.nodeId() + ": enroll a device of the teacher's own");
                    }
                }
            }
        }
        if (teacher.hostKeys().size() >= 1 + config.backups) {
            return Message.Rejected.of(403, "'" + teacherName + "' has all the hosts it may have (" + (1 + config.backups)
                    + ")");
        }
        if (recorded.putIfAbsent("enroll:" + device.nodeId(), Boolean.TRUE) != null) {
            return new Message.Ack("being enrolled");
        }
        List<NodeKey> keys = new ArrayList<>(teacher.hostKeys());
        keys.add(device);
        Account updated = new Account(teacherName, Role.TEACHER, keys);
        producer.enqueue(new Payload(List.of(), List.of(updated), accountHost.grantOwnBatch(teacherName,
                List.of(updated)), null));
        LOG.info("peer {}: the teacher enrolled {} as a host of '{}'", name, device.nodeId(), teacherName);
        return new Message.Ack("enrolling " + device.nodeId() + " as a host of '" + teacherName + "'");
    }

    /** The accounts on the chain, for {@code GET /accounts}. */
    Message.AccountsReply list() {
        return new Message.AccountsReply(chain.accounts().values().stream()
                .sorted(java.util.Comparator.comparing(Account::username)).toList());
    }
}
