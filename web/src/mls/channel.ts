import {
  acceptAll, ClientState, createApplicationMessage, createCommit, createGroup, createGroupInfoWithExternalPub,
  decodeGroupState, decodeMlsMessage, emptyPskIndex, encodeGroupState, encodeMlsMessage, joinGroup, KeyPackage,
  MLSMessage, processMessage,
} from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { decodeRatchetTree, encodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { fromBase64, toBase64, toHex } from '../proto/b64';
import { cipherSuite, MlsDevice } from './device';
import { Kv } from './kv';

// One MLS group per channel, on this device (docs/e2ee.md; frames in docs/e2ee.md "Delivery Service protocol"):
// create, commit Adds (payload + welcome + groupInfo + ratchetTree, as the commit `send` frame carries them), join
// from a Welcome, encrypt and decrypt, each state written to the Kv (IndexedDB) before it is used, so a reload keeps
// the channel readable. NOT WIRED INTO THE APP YET: the web client does not send MLS messages (docs/web.md).

export class MlsError extends Error {}

export interface CommitFrame { payload: string; welcome?: string; groupInfo: string; ratchetTree: string }

export function groupIdFor(channelId: string): Uint8Array {
  return new TextEncoder().encode(`parley/channel/${channelId}`);
}

function decode(b64: string): MLSMessage {
  const bytes = fromBase64(b64);
  const out = decodeMlsMessage(bytes, 0);
  if (!out || out[1] !== bytes.length) throw new MlsError('not one canonical MLSMessage');
  return out[0];
}

function keyPackageOf(wire: string): KeyPackage {
  const m = decode(wire);
  if (m.wireformat !== 'mls_key_package') throw new MlsError('not a KeyPackage');
  return m.keyPackage;
}

export class ChannelGroups {
  private readonly pending = new Map<string, ClientState>();

  constructor(private readonly kv: Kv, private readonly device: MlsDevice) {}

  private key(channelId: string): string { return `group/${this.device.record.deviceId}/${channelId}`; }

  async load(channelId: string): Promise<ClientState | undefined> {
    const b64 = await this.kv.get<string>(this.key(channelId));
    if (!b64) return undefined;
    const decoded = decodeGroupState(fromBase64(b64), 0);
    if (!decoded) throw new MlsError(`stored group state of ${channelId} is unreadable`);
    return { ...decoded[0], clientConfig: defaultClientConfig };
  }

  private async save(channelId: string, state: ClientState): Promise<void> {
    await this.kv.put(this.key(channelId), toBase64(encodeGroupState(state)));
  }

  private async must(channelId: string): Promise<ClientState> {
    const s = await this.load(channelId);
    if (!s) throw new MlsError(`no group for channel ${channelId}`);
    return s;
  }

  /** A new group (epoch 0, this device alone). */
  async create(channelId: string): Promise<void> {
    const wire = await this.device.newKeyPackage(false);
    const state = await createGroup(groupIdFor(channelId), keyPackageOf(wire), this.device.privateFor(wire)!, [], await cipherSuite());
    await this.save(channelId, state);
  }

  /** Builds the commit adding these KeyPackages; the state moves only when the server accepts it (applyOwnCommit). */
  async commitAdds(channelId: string, keyPackages: string[]): Promise<CommitFrame> {
    const cs = await cipherSuite();
    const result = await createCommit({ state: await this.must(channelId), cipherSuite: cs }, {
      wireAsPublicMessage: true, ratchetTreeExtension: false,
      extraProposals: keyPackages.map((kp) => ({ proposalType: 'add' as const, add: { keyPackage: keyPackageOf(kp) } })),
    });
    this.pending.set(channelId, result.newState);
    const groupInfo = await createGroupInfoWithExternalPub(result.newState, [], cs);
    return {
      payload: toBase64(encodeMlsMessage(result.commit)),
      welcome: result.welcome ? toBase64(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome })) : undefined,
      groupInfo: toBase64(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo })),
      ratchetTree: toBase64(encodeRatchetTree(result.newState.ratchetTree)),
    };
  }

  /** The server acked this device's commit: its successor state becomes current. */
  async applyOwnCommit(channelId: string): Promise<void> {
    const next = this.pending.get(channelId);
    if (!next) throw new MlsError('no pending commit');
    this.pending.delete(channelId);
    await this.save(channelId, next);
  }

  /** Joins from a Welcome addressed to one of this device's KeyPackages, with the tree of that epoch. */
  async join(channelId: string, welcomeB64: string, ratchetTreeB64: string): Promise<void> {
    const m = decode(welcomeB64);
    if (m.wireformat !== 'mls_welcome') throw new MlsError('not a Welcome');
    const cs = await cipherSuite();
    const refs = new Set(m.welcome.secrets.map((s) => toHex(s.newMember)));
    for (const wire of Object.keys(this.device.record.held)) {
      const kp = keyPackageOf(wire);
      if (!refs.has(toHex(await makeKeyPackageRef(kp, cs.hash)))) continue;
      const treeBytes = fromBase64(ratchetTreeB64);
      const tree = decodeRatchetTree(treeBytes, 0);
      if (!tree) throw new MlsError('ratchet tree undecodable');
      const state = await joinGroup(m.welcome, kp, this.device.privateFor(wire)!, emptyPskIndex, cs, tree[0]);
      if (toHex(state.groupContext.groupId) !== toHex(groupIdFor(channelId))) throw new MlsError('Welcome of another channel');
      await this.save(channelId, state);
      return;
    }
    throw new MlsError('the Welcome names none of this device\'s KeyPackages');
  }

  async encrypt(channelId: string, plaintext: Uint8Array): Promise<string> {
    const { newState, privateMessage } = await createApplicationMessage(await this.must(channelId), plaintext, await cipherSuite());
    await this.save(channelId, newState); // the used key is gone from the stored state before the ciphertext leaves
    return toBase64(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage }));
  }

  /** Applies the channel's next log entry (commit or application); returns the plaintext of an application message. */
  async handle(channelId: string, payloadB64: string): Promise<Uint8Array | null> {
    const m = decode(payloadB64);
    if (m.wireformat !== 'mls_private_message' && m.wireformat !== 'mls_public_message') throw new MlsError('not a group message');
    const result = await processMessage(m, await this.must(channelId), emptyPskIndex, acceptAll, await cipherSuite());
    await this.save(channelId, result.newState);
    return result.kind === 'applicationMessage' ? result.message : null;
  }

  async epoch(channelId: string): Promise<bigint> {
    return (await this.must(channelId)).groupContext.epoch;
  }
}
