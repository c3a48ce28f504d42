package org.classchain.core.peer;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Optional;
import org.classchain.Account;
import org.classchain.NodeKey;
import org.classchain.Role;
import org.classchain.core.auth.AccountHost;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.CredentialTransfers;
import org.classchain.core.auth.StoredCredential;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.chain.ChainState;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts an account has besides its first (DESIGN section 5): a student who signs in at a
 * classmate's peer may make it a backup host of her account, up to {@code backups} of them, never
 * a host of the teacher's account; and a peer the chain names as a host of an account whose
 * credential it lacks (such a backup, or a device the teacher enrolled) fetches it from another
 * host, encrypted to its node key ({@link CredentialTransfers}). Thread-safe.
 */
final class BackupHosts {

    private static final Logger LOG = LoggerFactory.getLogger(BackupHosts.class);

    private final PeerConfig config;
    private final NodeIdentity identity;
    private final ChainState chain;
    private final CredentialStore credentials;
    private final PeerDirectory directory;
    private final Handshakes handshakes;
    private final String name;

    BackupHosts(PeerConfig config, NodeIdentity identity, ChainState chain, CredentialStore credentials,
                PeerDirectory directory, Handshakes handshakes, String name) {
        this.config = config;
        this.identity = identity;
        this.chain = chain;
        this.credentials = credentials;
        this.directory = directory;
        this.handshakes = handshakes;
        this.name = name;
    }

    /**
     * Someone signed in at another peer through a session hosted here. A TEACHER sign-in changes
     * nothing (the roster shows it); a STUDENT's may make that peer a backup host of her account.
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
                || chain.teacherAccount().isHostedBy(peerNodeId)) {
            return;
        }
        Optional<String> teacherHost = directory.addressOfHost(chain.teacherAccount());
        if (teacherHost.isEmpty()) {
            return;
        }
        config.transport.send(address.get(), new Message.GetStatus()).thenAccept(reply -> {
            if (reply instanceof Message.StatusReply st && st.status().publicKey().nodeId().equals(peerNodeId)) {
                NodeKey key = st.status().publicKey();
                config.transport.send(teacherHost.get(), new Message.RegisterAccount(username, key,
                        identity.sign(SigningBytes.registration(chain.chainId(), username, key))));
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
                handshakes.lookForPeers();
            }
        }
    }

    /** Answers another host of an account asking for its credential: sealed to its key, when the chain names it. */
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
}
