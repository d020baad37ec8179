import type { Command } from 'commander';
import type { CliContext } from '../main.js';

export function registerPull(program: Command, ctx: CliContext): void {
  program
    .command('pull')
    .description('Pull an image through the Engine API with the docker config\'s registry credentials (nothing runs, nothing is audited)')
    .argument('<image>', 'image reference, e.g. 127.0.0.1:5000/app:1')
    .option('--platform <os/arch>', 'the platform to pull (e.g. linux/amd64)')
    .addHelpText('after', '\nExit codes:\n  0    pulled\n  117  the image could not be pulled (registry down, unknown image or tag, denied)\n  120  the Docker engine could not be reached\n  123  bad usage')
    .action(async (image: string, flags: { platform?: string }) => {
      const [{ connectEngine }, { pullImage }] = await Promise.all([import('../../engine/dockerode-client.js'), import('../../runtime/pull.js')]);
      const engine = await connectEngine(ctx.io.env.DOCKER_HOST || undefined);
      await pullImage(engine, image, { stderr: ctx.io.stderr, env: ctx.io.env }, flags.platform ? { platform: flags.platform } : {});
      const pulled = await engine.inspectImage(image);
      ctx.io.stdout.write(`${pulled.Id}\n`);
      ctx.exitCode = 0;
    });
}
