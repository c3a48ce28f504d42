package org.classchain.core.peer;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.classchain.Account;
import org.classchain.Role;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.StoredCredential;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.chain.ChainState;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account of the person at this computer (DESIGN section 5, "Credentials" and "Names"): on the
 * computer that created the chain, the TEACHER's credential; on a student's, a STUDENT credential
 * created here (the verifier never leaves this peer), counted as signed in at this computer and
 * registered with the teacher's host until the chain records it, followed when the teacher renames
 * it. Credentials the chain no longer gives this peer are dropped: a student's freed or hosted
 * elsewhere, the teacher's on a computer a legacy sign-in made a host. Thread-safe.
 */
final class OwnAccount {

    private static final Logger LOG = LoggerFactory.getLogger(OwnAccount.class);

    private final PeerConfig config;
    private final NodeIdentity identity;
    private final ChainState chain;
    private final CredentialStore credentials;
    private final Roster roster;
    private final PeerDirectory directory;
    private final Handshakes handshakes;
    private final String name;
    private final BoundedCache<String, Boolean> warned = BoundedCache.expiringAfterWrite(100, Duration.ofMinutes(10));
    /** The name of this computer's own student account: the one it was started with, unless the teacher renamed it. */
    private volatile String ownName;

    OwnAccount(PeerConfig config, NodeIdentity identity, ChainState chain, CredentialStore credentials, Roster roster,
               PeerDirectory directory, Handshakes handshakes, String name) {
        this.config = config;
        this.identity = identity;
        this.chain = chain;
        this.credentials = credentials;
        this.roster = roster;
        this.directory = directory;
        this.handshakes = handshakes;
        this.name = name;
        this.ownName = config.username;
    }

    private boolean teacherHost() {
        return chain.teacherAccount().isHostedBy(identity.nodeId());
    }

    /**
     * At start: the credentials this computer's account needs, and none it may no longer hold.
     *
     * @throws IOException when a credential is needed and no password was given, or the student's
     *                     name belongs to another computer
     */
    void ensure() throws IOException {
        ensureTeacherCredential();
        ensureOwnAccount();
        warnOfRetiredTeacherHosts();
    }

    /** On the computer that created the chain: the TEACHER's credential. */
    private void ensureTeacherCredential() throws IOException {
        Account teacher = chain.genesisConfig().teacher();
        if (teacher.isHostedBy(identity.nodeId()) && credentials.find(teacher.username()).isEmpty()) {
            if (config.password == null) {
                throw new IOException("this peer hosts the TEACHER account '" + teacher.username()
                        + "' but has no credential for it and no password was given");
            }
            credentials.create(teacher.username(), config.password, Role.TEACHER);
        }
    }

    /**
     * On a student's peer started for a person: their STUDENT credential is created here and they
     * count as signed in at this computer; the account is registered with the teacher's host on the
     * next ticks until the chain has it. A name the teacher renamed is followed.
     */
    private void ensureOwnAccount() throws IOException {
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
        roster.signedIn(user);
    }

    /**
     * Hosts of the teacher's account that a sign-in at their console made hosts (before devices
     * were enrolled explicitly) sign nothing any more: say so, and drop the teacher's credential
     * if this computer is one of them.
     */
    private void warnOfRetiredTeacherHosts() {
        Set<String> retired = chain.retiredTeacherHosts();
        if (retired.isEmpty()) {
            return;
        }
        String teacher = chain.genesisConfig().teacher().username();
        LOG.warn("peer {}: {} became host(s) of '{}' by a sign-in at their console, not by enrollment; their grants "
                + "are no longer accepted (enroll the teacher's own devices again)", name, retired, teacher);
        if (retired.contains(identity.nodeId()) && credentials.find(teacher).isPresent()) {
            LOG.warn("peer {}: this computer is one of them: it no longer hosts '{}'", name, teacher);
            try {
                credentials.remove(teacher);
            } catch (IOException e) {
                LOG.warn("peer {}: could not remove the credential of '{}': {}", name, teacher, e.toString());
            }
        }
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
        roster.signedOut(old);
        roster.signedIn(newName);
        ownName = newName;
        LOG.info("peer {}: the teacher renamed '{}' to '{}': the person at this computer signs in as '{}' now", name,
                old, newName, newName);
    }

    /** Asks a teacher host to record our person's account, until the chain has it; follows a rename. */
    void register() {
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
                identity.sign(SigningBytes.registration(chain.chainId(), user, identity.publicKey())));
        Optional<String> host = directory.addressOfHost(chain.teacherAccount());
        if (host.isEmpty()) {
            handshakes.lookForPeers();
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
        if (warned.putIfAbsent(key, Boolean.TRUE) == null) {
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
                roster.signedOut(user);
                LOG.info("peer {}: no longer hosts '{}' ({} on the chain)", name, user,
                        onChain.isRetired() ? "freed" : "hosted elsewhere");
            } catch (IOException e) {
                LOG.warn("peer {}: could not drop the credential of '{}': {}", name, user, e.toString());
            }
        }
    }
}
