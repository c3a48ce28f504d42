package org.classchain.core.peer;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.PeerInfo;
import org.classchain.Role;
import org.classchain.core.auth.AccountHost;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.CredentialTransfers;
import org.classchain.core.auth.StoredCredential;
import org.classchain.core.chain.ChainState;
import org.classchain.core.identity.Ed25519Signatures;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts side of a peer: the student account of the person at this computer (created
 * here, registered with the teacher's host, renamed or freed by the teacher), and, at a host of
 * the teacher's account, the registrations it records (batched, one student account per
 * computer, rate-limited), the devices the teacher enrolls, the names the teacher frees or
 * renames, and the credential transfers to hosts the chain names.
 *
 * <p>The rule it keeps: the TEACHER's credential is hosted only by the computer that created it
 * and by devices the teacher enrolls from a signed-in session; signing in somewhere changes
 * nothing but the roster. Student accounts may be backed up on other peers the student signs in
 * at. Thread-safe.
 */
final class Accounts {

    /** How long a teacher's host collects registrations before it grants them as one block. */
    static final Duration COLLECT = Duration.ofSeconds(1);
    /** Registrations a computer (node key) or an address may have recorded at once, and the refill period of one. */
    static final int BURST = 3;
    static final Duration REFILL = Duration.ofSeconds(20);

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    private final PeerConfig config;
    private final NodeIdentity identity;
    private final ChainState chain;
    private final CredentialStore credentials;
    private final AccountHost accountHost;
    private final BlockProducer producer;
    private final PeerDirectory directory;
    private final Set<String> signedInUsers;
    private final Clock clock;
    private final Supplier<Optional<String>> teacherHostAddress;
    private final Runnable lookForPeers;
    private final String name;

    /** Registrations waiting for the next batch, by username; guarded by this. */
    private final Map<String, Account> pending = new LinkedHashMap<>();
    private long pendingSince; // guarded by this
    private final Cache<String, Boolean> recorded = CacheBuilder.newBuilder().expireAfterWrite(Duration.ofMinutes(2))
            .maximumSize(10_000).build();
    private final Cache<String, double[]> allowances = CacheBuilder.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(10_000).build();
    private final Cache<String, Boolean> warned = CacheBuilder.newBuilder().expireAfterWrite(Duration.ofMinutes(10))
            .maximumSize(100).build();
    /** The name of this computer's own student account: the one it was started with, unless the teacher renamed it. */
    private volatile String ownName;

    Accounts(PeerConfig config, NodeIdentity identity, ChainState chain, CredentialStore credentials,
             AccountHost accountHost, BlockProducer producer, PeerDirectory directory, Set<String> signedInUsers,
             Supplier<Optional<String>> teacherHostAddress, Runnable lookForPeers, String name) {
        this.config = config;
        this.identity = identity;
        this.chain = chain;
        this.credentials = credentials;
        this.accountHost = accountHost;
        this.producer = producer;
        this.directory = directory;
        this.signedInUsers = signedInUsers;
        this.clock = config.clock;
        this.teacherHostAddress = teacherHostAddress;
        this.lookForPeers = lookForPeers;
        this.name = name;
        this.ownName = config.username;
    }

    static byte[] registrationBytes(String chainId, String username, NodeKey hostKey) {
        return ("classchain-register-v1\n" + chainId + "\n" + username + "\n" + hostKey.hex())
                .getBytes(StandardCharsets.UTF_8);
    }

    private Account teacherAccount() {
        Account genesisTeacher = chain.genesisConfig().teacher();
        return chain.accounts().getOrDefault(genesisTeacher.username(), genesisTeacher);
    }

    private boolean teacherHost() {
        return teacherAccount().isHostedBy(identity.nodeId());
    }

    /** Whether this peer can grant in the teacher's name: a host on the chain that holds the credential. */
    private boolean canGrant(Account teacher) {
        return teacher.isHostedBy(identity.nodeId()) && accountHost.hosts(teacher.username());
    }

    // ------------------------------------------------------------------ this computer's account

    /**
     * On a student's peer started for a person: their STUDENT credential is created here (the
     * verifier never leaves this peer) and they count as signed in at this computer; the account
     * is registered with the teacher's host on the next ticks until the chain has it. A name the
     * teacher renamed is followed.
     *
     * @throws IOException when the name belongs to another computer, or a password is needed and missing
     */
    void ensureOwnAccount() throws IOException {
        String user = config.username;
        if (user == null || teacherHost()) {
            return;
        }
        Optional<Account> renamed = renamedTo(user);
        if (renamed.isPresent()) {
            adopt(renamed.get().username());
            return;
        }
        Account onChain = chain.accounts().get(user);
        if (onChain != null && !onChain.isRetired() && !onChain.isHostedBy(identity.nodeId())) {
            throw new IOException("the name '" + user + "' is already taken on this chain by another computer; "
                    + "choose another --user, or ask the teacher to free it (classchain accounts free " + user + ")");
        }
        ensureCredential(user);
        signedInUsers.add(user);
    }

    private void ensureCredential(String user) throws IOException {
        if (credentials.find(user).isPresent()) {
            return;
        }
        if (config.password == null) {
            throw new IOException("no password given for the account '" + user + "'");
        }
        credentials.create(user, config.password, Role.STUDENT);
    }

    /** The live account the teacher renamed {@code user} to: retired, and this computer first host of another. */
    private Optional<Account> renamedTo(String user) {
        Account onChain = chain.accounts().get(user);
        if (onChain == null || !onChain.isRetired()) {
            return Optional.empty();
        }
        return chain.accounts().values().stream().filter(a -> !a.isRetired() && a.role() == Role.STUDENT
                && a.hostKeys().get(0).equals(identity.publicKey()) && !a.username().equals(user)).findFirst();
    }

    private void adopt(String newName) throws IOException {
        String old = ownName;
        ensureCredential(newName);
        signedInUsers.remove(old);
        signedInUsers.add(newName);
        ownName = newName;
        LOG.info("peer {}: the teacher renamed '{}' to '{}': the person at this computer signs in as '{}' now", name,
                old, newName, newName);
    }

    /** Asks a teacher host to record our person's account, until the chain has it; follows a rename. */
    void registerOwnAccount() {
        String user = ownName;
        if (user == null || teacherHost()) {
            return;
        }
        Optional<Account> renamed = renamedTo(user);
        if (renamed.isPresent()) {
            try {
                adopt(renamed.get().username());
            } catch (IOException e) {
                warnOnce("rename", "peer {}: the teacher renamed '{}' to '{}' but this peer cannot make its credential: {}",
                        name, user, renamed.get().username(), e.getMessage());
            }
            return;
        }
        Account onChain = chain.accounts().get(user);
        if (onChain != null && onChain.isHostedBy(identity.nodeId())) {
            return;
        }
        if (onChain != null && !onChain.isRetired()) {
            warnOnce("taken:" + user, "peer {}: the name '{}' is taken by another computer; ask the teacher to free it "
                    + "(classchain accounts free {})", name, user, user);
            return;
        }
        try {
            ensureCredential(user); // a credential dropped while another computer held the name
        } catch (IOException e) {
            warnOnce("credential:" + user, "peer {}: cannot register '{}': {}", name, user, e.getMessage());
            return;
        }
        Message.RegisterAccount r = new Message.RegisterAccount(user, identity.publicKey(),
                identity.sign(registrationBytes(chain.chainId(), user, identity.publicKey())));
        Optional<String> host = teacherHostAddress.get();
        if (host.isEmpty()) {
            lookForPeers.run();
            return;
        }
        config.transport.send(host.get(), r).whenComplete((reply, err) -> {
            if (reply instanceof Message.Rejected rej) {
                warnOnce("refused:" + user + ":" + rej.reason(), "peer {}: the teacher's peer did not record account "
                        + "'{}': {}", name, user, rej.reason());
            }
        });
    }

    private void warnOnce(String key, String format, Object... args) {
        if (warned.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
            LOG.warn(format, args);
        }
    }

    /**
     * Student credentials this peer holds for a name the chain gives to other hosts only (freed or
     * renamed by the teacher, or taken by the computer it belongs to): dropped, so that this peer
     * no longer answers sign-ins for it. The account of the person at this computer is kept.
     */
    void dropStaleCredentials() {
        for (String user : credentials.usernames()) {
            Account onChain = chain.accounts().get(user);
            Optional<StoredCredential> c = credentials.find(user);
            if (onChain == null || onChain.isHostedBy(identity.nodeId()) || c.isEmpty() || c.get().role() != Role.STUDENT
                    || user.equals(ownName)) { // our person's, being registered again once the teacher freed it
                continue;
            }
            try {
                credentials.remove(user);
                signedInUsers.remove(user);
                LOG.info("peer {}: no longer hosts '{}' ({} on the chain)", name, user,
                        onChain.isRetired() ? "freed" : "hosted elsewhere");
            } catch (IOException e) {
                LOG.warn("peer {}: could not drop the credential of '{}': {}", name, user, e.toString());
            }
        }
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
        byte[] signed = registrationBytes(chain.chainId(), r.username(), r.hostKey());
        String hostId = r.hostKey().nodeId();
        if (chain.accounts().get(r.username()) == null && recorded.getIfPresent(r.username() + "/" + hostId) != null) {
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
        String skeleton = skeleton(username);
        if (looksLikeTheTeacher(skeleton)) {
            return Message.Rejected.of(409, "the name '" + username + "' looks like the teacher's");
        }
        for (Account a : accountsNow()) {
            if (!a.isRetired() && !a.username().equals(username) && skeleton(a.username()).equals(skeleton)) {
                return Message.Rejected.of(409, "the name '" + username + "' looks like the taken name '" + a.username()
                        + "'");
            }
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

    /** Whether a name's skeleton is the teacher's, or holds it (when that is four letters or more). */
    private boolean looksLikeTheTeacher(String skeleton) {
        String teacher = skeleton(teacherAccount().username());
        return skeleton.equals(teacher) || teacher.length() >= 4 && skeleton.contains(teacher);
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
            double[] b = allowances.asMap().computeIfAbsent(k, x -> new double[] {BURST, now});
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
            String skeleton = skeleton(a.username());
            if (looksLikeTheTeacher(skeleton)) {
                return Optional.of(Message.Rejected.of(403, "the name '" + a.username() + "' looks like the teacher's"));
            }
            for (Account other : now.values()) {
                if (!other.isRetired() && !names.contains(other.username()) && skeleton(other.username()).equals(skeleton)) {
                    return Optional.of(Message.Rejected.of(403, "the name '" + a.username()
                            + "' looks like the taken name '" + other.username() + "'"));
                }
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
        if (recorded.asMap().putIfAbsent("enroll:" + device.nodeId(), Boolean.TRUE) != null) {
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

    // ------------------------------------------------------------------ student backups and transfers

    /**
     * Someone signed in at another peer. A TEACHER sign-in changes nothing (the roster shows it);
     * a STUDENT's may make that peer a backup host of the student's account.
     */
    void onSignIn(AccountHost.SignIn signIn) {
        if (signIn.role() == Role.STUDENT && !identity.nodeId().equals(signIn.peerNodeId())) {
            proposeStudentBackup(signIn.username(), signIn.peerNodeId());
        }
    }

    /** A student signed in at another peer: ask the teacher's host to record it as a backup of the account. */
    private void proposeStudentBackup(String username, String peerNodeId) {
        Account account = chain.accounts().get(username);
        Optional<String> address = directory.addressOf(peerNodeId);
        if (account == null || account.isRetired() || account.isHostedBy(peerNodeId)
                || account.hostKeys().size() >= 1 + config.backups || address.isEmpty()
                || teacherAccount().isHostedBy(peerNodeId)) {
            return;
        }
        Optional<String> teacherHost = teacherHostAddress.get();
        if (teacherHost.isEmpty()) {
            return;
        }
        config.transport.send(address.get(), new Message.GetStatus()).thenAccept(reply -> {
            if (reply instanceof Message.StatusReply st && st.status().publicKey().nodeId().equals(peerNodeId)) {
                NodeKey key = st.status().publicKey();
                config.transport.send(teacherHost.get(), new Message.RegisterAccount(username, key,
                        identity.sign(registrationBytes(chain.chainId(), username, key))));
                LOG.info("peer {}: proposing {} as a backup host of '{}' (signed in there)", name, peerNodeId, username);
            }
        });
    }

    /** Accounts the chain says this peer hosts but whose credential it lacks: ask another host for it. */
    void fetchCredentials() {
        for (Account account : chain.accounts().values()) {
            if (!account.isHostedBy(identity.nodeId()) || credentials.find(account.username()).isPresent()) {
                continue;
            }
            boolean asked = false;
            for (NodeKey host : account.hostKeys()) {
                Optional<String> address = directory.addressOf(host.nodeId());
                if (host.nodeId().equals(identity.nodeId()) || address.isEmpty()) {
                    continue;
                }
                asked = true;
                CredentialTransfers.Pending pending = CredentialTransfers.request(chain.chainId(), account.username(),
                        identity, config.random);
                config.transport.send(address.get(), pending.request()).whenComplete((reply, err) -> {
                    if (!(reply instanceof Message.CredentialTransfer t)) {
                        return;
                    }
                    try {
                        credentials.put(CredentialTransfers.open(t, pending, host));
                        LOG.info("peer {}: now a host of '{}'", name, account.username());
                    } catch (GeneralSecurityException | IOException e) {
                        LOG.warn("peer {}: could not take the credential of '{}' from {}: {}", name, account.username(),
                                host.nodeId(), e.getMessage());
                    }
                });
                break;
            }
            if (!asked) {
                lookForPeers.run();
            }
        }
    }

    Message onCredentialRequest(Message.CredentialRequest r) {
        Account account = chain.accounts().get(r.username());
        if (account == null || !account.hostKeys().contains(r.requesterKey())) {
            return Message.Rejected.of(403, "the requester does not host this account on the chain");
        }
        if (!CredentialTransfers.verify(r, chain.chainId())) {
            return Message.Rejected.of(401, "the request is not signed by the key it names");
        }
        Optional<StoredCredential> credential = credentials.find(r.username());
        if (credential.isEmpty()) {
            return Message.Rejected.of(404, "this peer holds no credential for that account");
        }
        try {
            return CredentialTransfers.seal(credential.get(), r, identity, config.random);
        } catch (GeneralSecurityException e) {
            return Message.Rejected.of(400, "cannot seal to that key");
        }
    }

    /** The accounts on the chain, for {@code GET /accounts}. */
    Message.AccountsReply list() {
        return new Message.AccountsReply(chain.accounts().values().stream()
                .sorted(java.util.Comparator.comparing(Account::username)).toList());
    }

    // ------------------------------------------------------------------ names

    /**
     * What a name looks like: lower case, without '.', '_' and '-', with the digits that pass for
     * letters read as those letters ("T3acher_" looks like "teacher", "a1ice" like "alice").
     */
    static String skeleton(String username) {
        StringBuilder b = new StringBuilder();
        for (char c : username.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '.', '_', '-' -> { }
                case '0' -> b.append('o');
                case '1', 'i' -> b.append('l');
                case '3' -> b.append('e');
                case '4' -> b.append('a');
                case '5' -> b.append('s');
                case '7' -> b.append('t');
                case '8' -> b.append('b');
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
