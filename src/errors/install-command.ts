import { docsUrl } from './docs-url.js';

/** How to install a plugin package: Cartesia's plugin pins an older `@livekit/agents`, which npm only accepts with an override. */
export function installCommand(packageName: string): string {
  return packageName === '@livekit/agents-plugin-cartesia'
    ? `npm install ${packageName}, after adding "overrides": { "${packageName}": { "@livekit/agents": "$@livekit/agents" } } to your package.json (its 1.8.1 pins @livekit/agents 1.8.1; see ${docsUrl('providers/cartesia.md#install')})`
    : `npm install ${packageName}`;
}
