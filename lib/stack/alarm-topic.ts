import type { Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { acknowledge } from './nag.ts';

/** The stack's one SNS topic every alarm notifies, TLS only, with an e-mail subscription for `alarmEmail`. */
export function alarmTopic(stack: Stack, alarmEmail: string | undefined): Topic {
  const topic = new Topic(stack, 'Alarms', { displayName: `${stack.stackName} alarms`, enforceSSL: true });
  acknowledge(topic, {
    'AwsSolutions-SNS2':
      'Alarm notifications carry no data, and CloudWatch cannot publish to a topic under the AWS managed SNS key; a customer key would add $1 a month for nothing to protect.',
  });
  if (alarmEmail) {
    acknowledge(topic.addSubscription(new EmailSubscription(alarmEmail)), {
      'Serverless-SNSRedrivePolicy':
        'An e-mail of an alarm that cannot be delivered stays visible as the alarm state in CloudWatch; a dead-letter queue would hold mail nobody reads.',
    });
  }
  return topic;
}

/**
 * `enforceSSL` gives the topic a policy of its own, which replaces SNS's default one, so CloudWatch may
 * publish only if the policy says so: this stack's alarms, each by its ARN (aws:SourceArn), and only
 * over TLS like everyone (the deny that enforceSSL adds still holds).
 */
export function allowAlarmsToPublish(stack: Stack, topic: Topic, alarms: Alarm[]): void {
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AlarmsOfThisStackPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnEquals: { 'aws:SourceArn': alarms.map((created) => created.alarmArn) },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }),
  );
}
