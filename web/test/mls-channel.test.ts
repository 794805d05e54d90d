import { describe, expect, it } from 'vitest';
import { ChannelGroups, groupIdFor, MlsError } from '../src/mls/channel';
import { MlsDevice } from '../src/mls/device';
import { MemoryKv } from '../src/mls/kv';
import { utf8 } from '../src/proto/b64';

const CH = '0b9f3c2e-5a61-4d1e-9c4b-2f7d8e6a1b30';
const ALICE = 'aaaaaaaa-0000-4000-8000-000000000001';
const BOB = 'bbbbbbbb-0000-4000-8000-000000000002';

async function device(id: string) {
  const kv = new MemoryKv();
  const d = await MlsDevice.load(kv, id);
  return { kv, d, groups: new ChannelGroups(kv, d) };
}

describe('ChannelGroups (ts-mls, state in the Kv)', () => {
  it('creates a group, adds a device by Welcome, and both read each other; a reload of the state keeps it readable', async () => {
    const alice = await device(ALICE);
    const bob = await device(BOB);
    const bobKp = await bob.d.newKeyPackage(false);

    await alice.groups.create(CH);
    const commit = await alice.groups.commitAdds(CH, [bobKp]);
    expect(commit.welcome).toBeDefined();
    expect(await alice.groups.epoch(CH)).toBe(0n); // not moved until the server accepts the commit
    await alice.groups.applyOwnCommit(CH);
    expect(await alice.groups.epoch(CH)).toBe(1n);

    await bob.groups.join(CH, commit.welcome!, commit.ratchetTree);
    expect(await bob.groups.epoch(CH)).toBe(1n);

    const c1 = await alice.groups.encrypt(CH, utf8.encode('hello bob'));
    expect(utf8.decode((await bob.groups.handle(CH, c1))!)).toBe('hello bob');
    const c2 = await bob.groups.encrypt(CH, utf8.encode('hello alice'));
    expect(utf8.decode((await alice.groups.handle(CH, c2))!)).toBe('hello alice');

    // A reload: a new ChannelGroups over the same stored state (IndexedDB in the browser) reads the next message.
    const bobAgain = new ChannelGroups(bob.kv, await MlsDevice.load(bob.kv, BOB));
    const c3 = await alice.groups.encrypt(CH, utf8.encode('after your reload'));
    expect(utf8.decode((await bobAgain.handle(CH, c3))!)).toBe('after your reload');
    // The stored state advanced: the same ciphertext cannot be read twice (its key is gone: forward secrecy).
    await expect(bobAgain.handle(CH, c3)).rejects.toThrow();
  });

  it('refuses a Welcome for none of its KeyPackages, and bytes that are not one canonical MLSMessage', async () => {
    const alice = await device(ALICE);
    const bob = await device(BOB);
    const carol = await device('cccccccc-0000-4000-8000-000000000003');
    await alice.groups.create(CH);
    const commit = await alice.groups.commitAdds(CH, [await bob.d.newKeyPackage(false)]);
    await expect(carol.groups.join(CH, commit.welcome!, commit.ratchetTree)).rejects.toBeInstanceOf(MlsError);
    await expect(bob.groups.join(CH, commit.welcome! + 'AAAA', commit.ratchetTree)).rejects.toThrow(/canonical/);
    expect(new TextDecoder().decode(groupIdFor(CH))).toBe(`parley/channel/${CH}`);
  });
});
