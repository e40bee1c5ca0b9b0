import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { BillingRunActionsStack } from './billing-run-actions-stack.ts';
import { stackConfigFrom, stackNameFrom } from './stack-config.ts';

/** The CDK app: the service's stack, checked by cdk-nag's AwsSolutions and ServerlessChecks rules at synthesis. */
export function buildApp(props: AppProps = {}): { app: App; stack: BillingRunActionsStack } {
  const app = new App(props);
  const stack = new BillingRunActionsStack(app, stackNameFrom(app.node), {
    description: 'Billing Run Actions service',
    ...stackConfigFrom(app.node),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
  return { app, stack };
}
