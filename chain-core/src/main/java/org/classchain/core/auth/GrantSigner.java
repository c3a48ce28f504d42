package org.classchain.core.auth;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.classchain.Account;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.Role;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.identity.Ed25519Signatures;
import org.classchain.core.identity.NodeIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs an {@link AccountHost}'s grants with the host's node key (DESIGN section 3, "One grant per
 * block, each at its own place"): one at a time, each at the next place of the host's
 * {@link GrantSequence}. The same batch sent again by the same account lately gets the same grant,
 * so that no second grant for the same commands takes a place it cannot keep. Thread-safe.
 */
final class GrantSigner {

    private static final Logger LOG = LoggerFactory.getLogger(GrantSigner.class);

    private final NodeIdentity identity;
    private final CanonicalJson json;
    private final GrantSequence order;
    private final SecureRandom random;
    /** Batches granted lately, by their hash: a client's retry gets the grant it missed. */
    private final BoundedCache<Hash, Grant> recent = BoundedCache.expiringAfterWrite(10_000, Command.MAX_TTL);

    GrantSigner(NodeIdentity identity, CanonicalJson json, GrantSequence order, SecureRandom random) {
        this.identity = identity;
        this.json = json;
        this.order = order;
        this.random = random;
    }

    /** The grant of a TEACHER session's batch: the one issued for it lately, or a new one. */
    Grant grant(String chain, String username, List<Command> commands, List<Account> accounts, Instant now) {
        Hash batch = json.batchHash(commands, accounts);
        Grant earlier = recent.get(batch);
        if (earlier != null && earlier.username().equals(username)) {
            // a client that did not hear the answer sends the same batch again: the same grant, so that
            // no second grant for the same commands takes a place in the sequence that it cannot keep
            LOG.info("batch of {} commands for {} granted before (grant {}); granting the same", commands.size(),
                    username, earlier.grantId());
            return earlier;
        }
        Grant grant = sign(chain, username, commands, accounts, now);
        recent.put(batch, grant);
        LOG.info("granted {} commands and {} accounts for {} (grant {})", commands.size(), accounts.size(), username,
                grant.grantId());
        return grant;
    }

    /** Signs a grant at the next place of the grant sequence: grants are issued one at a time, in order. */
    Grant sign(String chain, String username, List<Command> commands, List<Account> accounts, Instant now) {
        synchronized (order) {
            Grant unsigned = new Grant(chain, username, Role.TEACHER, json.batchHash(commands, accounts),
                    randomUuid(), now, identity.nodeId(), order.next(), new byte[Grant.SIGNATURE_LENGTH]);
            Grant grant = unsigned.withSignature(identity.sign(SigningBytes.grant(unsigned)));
            order.issued(grant);
            return grant;
        }
    }

    /** See {@link AccountHost#regrant}. */
    Optional<AccountHost.Regranted> regrant(Grant old, List<Command> commands, List<Account> accounts,
                                            Predicate<UUID> onChain, Instant now) {
        if (!old.hostNodeId().equals(identity.nodeId())
                || !Ed25519Signatures.verify(identity.publicKey(), SigningBytes.grant(old), old.signature())
                || !json.batchHash(commands, accounts).equals(old.commandsHash())) {
            throw new IllegalArgumentException("grant " + old.grantId() + " is not this host's grant for this batch");
        }
        List<Command> left = commands.stream().filter(c -> !onChain.test(c.id())).toList();
        if (left.isEmpty() && accounts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AccountHost.Regranted(sign(old.chainId(), old.username(), left, accounts, now), left,
                accounts));
    }

    private UUID randomUuid() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new UUID(buf.getLong(), buf.getLong());
    }
}
