// Portkey's official Node SDK against the sandbox: list/create/retrieve/update/delete API keys, list
// workspaces and users. Every call must succeed and round-trip. Usage: node sdk-roundtrip.cjs <portkey-sandbox>
'use strict';
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const readline = require('node:readline');
const { Portkey } = require('portkey-ai');

function startSandbox(binary) {
    return new Promise((resolve, reject) => {
        const child = spawn(binary, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
        child.on('error', reject);
        child.on('exit', (code) => reject(new Error(`portkey-sandbox exited with ${code}`)));
        readline.createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, info: JSON.parse(line) }));
    });
}

async function main() {
    const { child, info } = await startSandbox(process.argv[2]);
    let passed = 0;
    const check = (name, fn) => fn().then(() => { passed += 1; console.log(`ok - ${name}`); });
    try {
        const owner = info.personas.find((p) => p.name === 'owner');
        assert.ok(owner, 'the sandbox has an owner persona');
        const portkey = new Portkey({ apiKey: owner.api_key, baseURL: info.base_url });

        let workspaces;
        await check('admin.workspaces.list', async () => {
            workspaces = await portkey.admin.workspaces.list({ page_size: 100, current_page: 0 });
            assert.equal(workspaces.object, 'list');
            assert.ok(workspaces.data.length >= 3);
            assert.equal(workspaces.total, workspaces.data.length);
        });
        await check('admin.users.list', async () => {
            const users = await portkey.admin.users.list({ pageSize: 100, currentPage: 0 });
            assert.ok(users.data.length >= 8);
            assert.ok(users.data.every((u) => u.object === 'user' && u.email));
        });
        await check('apiKeys.list', async () => {
            const keys = await portkey.apiKeys.list({ page_size: 100, current_page: 0 });
            assert.ok(keys.data.length >= 40);
            assert.ok(keys.data.every((k) => k.object === 'api-key' && k.key.includes('*')), 'keys are masked');
        });

        const workspace = workspaces.data[0];
        let created;
        await check('apiKeys.create', async () => {
            created = await portkey.apiKeys.create({
                type: 'workspace', 'sub-type': 'service', name: 'sdk round trip', description: 'node sdk',
                workspace_id: workspace.id, scopes: ['completions.write'],
            });
            assert.match(created.id, /^[0-9a-f-]{36}$/);
            assert.ok(created.key && !created.key.includes('*'), 'the full secret comes back once');
        });
        await check('apiKeys.retrieve', async () => {
            const key = await portkey.apiKeys.retrieve({ id: created.id });
            assert.equal(key.id, created.id);
            assert.equal(key.name, 'sdk round trip');
            assert.equal(key.type, 'workspace-service');
            assert.deepEqual(key.scopes, ['completions.write']);
            assert.ok(key.key.includes('*') && key.key !== created.key, 'retrieve shows the masked key');
        });
        await check('apiKeys.update', async () => {
            await portkey.apiKeys.update({ id: created.id, name: 'sdk renamed', scopes: ['completions.write', 'logs.view'] });
            const key = await portkey.apiKeys.retrieve({ id: created.id });
            assert.equal(key.name, 'sdk renamed');
            assert.deepEqual([...key.scopes].sort(), ['completions.write', 'logs.view']);
        });
        await check('apiKeys.delete', async () => {
            await portkey.apiKeys.delete({ id: created.id });
            const keys = await portkey.apiKeys.list({ page_size: 100, current_page: 0, workspace_id: workspace.id });
            assert.ok(!keys.data.some((k) => k.id === created.id), 'the deleted key is gone');
        });
        await check('a created key authenticates with its secret', async () => {
            const second = await portkey.apiKeys.create({
                type: 'workspace', 'sub-type': 'service', name: 'sdk self', workspace_id: workspace.id,
                scopes: ['workspaces.read', 'workspaces.list'],
            });
            const self = new Portkey({ apiKey: second.key, baseURL: info.base_url });
            const seen = await self.admin.workspaces.list({ page_size: 100, current_page: 0 });
            assert.deepEqual(seen.data.map((w) => w.id), [workspace.id]);
            await portkey.apiKeys.delete({ id: second.id });
        });
        console.log(`${passed} passed, 0 failed`);
    } finally {
        child.removeAllListeners('exit');
        child.kill('SIGTERM');
    }
}

main().catch((error) => {
    console.error(`not ok - ${error.stack || error}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
});
